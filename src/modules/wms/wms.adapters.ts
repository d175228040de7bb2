import type { Clock } from '../../platform/clock.ts';
import { wmsJsonAdapter } from './json.adapter.ts';
import { qimenAdapter } from './qimen.adapter.ts';
import type { WmsAdapter } from './wms.message.ts';

/** How to reach a WMS: its protocol, endpoint and the app it knows us by. */
export interface WmsEndpoint {
  protocol: 'qimen' | 'json';
  url: string;
  appKey: string;
  appSecret: string;
  customerId: string | null;
}

/** The adapter speaking a warehouse's protocol. */
export function adapterFor(endpoint: WmsEndpoint, clock: Clock, timeoutMs?: number): WmsAdapter {
  const { url, appKey, appSecret } = endpoint;
  return endpoint.protocol === 'qimen'
    ? qimenAdapter({ url, appKey, appSecret, customerId: endpoint.customerId ?? '', timeoutMs }, clock)
    : wmsJsonAdapter({ url, appKey, appSecret, timeoutMs }, clock);
}

/** The marketplace codes Qimen and most WMSs use for an order's source. */
const platformCodes: Record<string, string> = { taobao: 'TB', tmall: 'TM', jd: 'JD', pdd: 'PDD', douyin: 'DY' };
export const sourcePlatformCode = (channel: string) => platformCodes[channel] ?? 'OTHER';
