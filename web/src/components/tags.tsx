import { Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.tsx';
import { zh, type MessageKey } from '../lib/messages.ts';
import type { OrderStatus, Priority, Tier, Warning } from '../lib/types.ts';

const statusColour: Record<OrderStatus, string> = {
  created: 'default', paid: 'blue', allocated: 'geekblue', routed: 'cyan', pushed: 'purple', accepted_by_wms: 'green',
  shipped: 'green', delivered: 'green', closed: 'default', cancelled: 'default', on_hold: 'gold', exception: 'red',
};

/** A stop reason in words: the platform's own (out_of_stock, …) translated, a person's as they wrote it. */
export function useReason() {
  const { t } = useI18n();
  return (reason: string) => (`reason.${reason}` in zh ? t(`reason.${reason}` as MessageKey) : reason);
}

export function StatusTag({ status, reason }: { status: OrderStatus; reason?: string | null }) {
  const { t } = useI18n();
  const words = useReason();
  return (
    <Tag color={statusColour[status]} title={reason ?? undefined} bordered={false}>
      {t(`status.${status}`)}
      {reason ? <span style={{ opacity: 0.75 }}> · {words(reason)}</span> : null}
    </Tag>
  );
}

/** The tenant's tiers (windows and colours), from its settings. */
export function useTiers() {
  return useQuery({ queryKey: ['tiers'], queryFn: () => api<Record<Priority, Tier>>('/api/v1/settings/tiers'), staleTime: 60_000 });
}

export function TierTag({ priority }: { priority: Priority }) {
  const { t } = useI18n();
  const tiers = useTiers();
  const colour = tiers.data?.[priority]?.colour ?? (priority === 'urgent' ? 'red' : priority === 'high' ? 'orange' : 'default');
  return (
    <Tag color={colour === 'default' ? undefined : colour} data-tier={priority}>
      {t(`tier.${priority}`)}
    </Tag>
  );
}

export function WarningTag({ warning }: { warning: Warning }) {
  const { t } = useI18n();
  if (warning === 'none') return <span className="muted">{t('warning.none')}</span>;
  return <Tag color={warning === 'red' ? 'error' : 'warning'}>{t(`warning.${warning}`)}</Tag>;
}

const channelNames: Record<string, { zh: string; en: string; colour: string }> = {
  taobao: { zh: '淘宝', en: 'Taobao', colour: '#ff5000' },
  tmall: { zh: '天猫', en: 'Tmall', colour: '#e1251b' },
  jd: { zh: '京东', en: 'JD', colour: '#e2231a' },
  pdd: { zh: '拼多多', en: 'Pinduoduo', colour: '#e02e24' },
  douyin: { zh: '抖音', en: 'Douyin', colour: '#161823' },
  custom: { zh: '自有渠道', en: 'Own channel', colour: '#1677ff' },
};

export function channelName(channel: string, language: string): string {
  const known = channelNames[channel];
  return known ? (language === 'en' ? known.en : known.zh) : channel;
}

export function ChannelTag({ channel }: { channel: string }) {
  const { language } = useI18n();
  const colour = channelNames[channel]?.colour;
  return (
    <span className="channel">
      <span className="channel-dot" style={{ background: colour ?? '#8c8c8c' }} />
      {channelName(channel, language)}
    </span>
  );
}

/** Integer minor units shown in the currency's own form. */
export function Money({ minor, currency }: { minor: number; currency: string }) {
  const { language } = useI18n();
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const text = new Intl.NumberFormat(language, { style: 'currency', currency, minimumFractionDigits: digits }).format(minor / 10 ** digits);
  return <span className="num">{text}</span>;
}
