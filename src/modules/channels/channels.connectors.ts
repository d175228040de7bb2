import { AppError } from '../../platform/errors.ts';
import type { ChannelConnector, ConnectorDeps } from './connector.ts';
import type { ConnectorRegistry } from './channels.pull.ts';
import { douyinConnector } from './douyin/douyin.connector.ts';
import { jdConnector } from './jd/jd.connector.ts';
import { pddConnector } from './pdd/pdd.connector.ts';
import { taobaoConnector } from './taobao/taobao.connector.ts';
import type { Marketplace } from './channels.input.ts';

/** The connector for each marketplace the platform speaks. */
export function connectorRegistry(deps: ConnectorDeps): ConnectorRegistry {
  const connectors: Partial<Record<Marketplace, ChannelConnector>> = {
    douyin: douyinConnector(deps),
    taobao: taobaoConnector(deps),
    // Same protocol as Taobao; the instance only differs in the channel it reports.
    tmall: taobaoConnector(deps, 'tmall'),
    jd: jdConnector(deps),
    pdd: pddConnector(deps),
  };
  return (channel) => {
    const connector = connectors[channel];
    if (!connector) throw new AppError('CHANNEL_NOT_SUPPORTED', `no connector for ${channel} yet`);
    return connector;
  };
}
