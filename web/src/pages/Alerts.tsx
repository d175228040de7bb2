import { App, Button, Card, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useReason } from '../components/tags.tsx';
import { api, post } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.tsx';
import { useCan } from '../lib/session.tsx';
import { useTime } from '../lib/time.tsx';
import type { Alert, Page } from '../lib/types.ts';

export function AlertsPage() {
  const { t } = useI18n();
  const words = useReason();
  const time = useTime();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const canAck = useCan('admin', 'ops', 'supervisor');
  const [status, setStatus] = useState<'open' | 'acknowledged'>('open');
  const [kind, setKind] = useState<string | undefined>();
  const counts = useQuery({ queryKey: ['alerts', 'counts', status], queryFn: () => api<{ counts: Record<string, number>; total: number }>('/api/v1/alerts/counts', { query: { status } }) });
  const list = useQuery({ queryKey: ['alerts', 'list', status, kind], queryFn: () => api<Page<Alert>>('/api/v1/alerts', { query: { status, kind, limit: 200 } }) });
  const ack = useMutation({
    mutationFn: (id: string) => post(`/api/v1/alerts/${encodeURIComponent(id)}/acknowledge`),
    onSuccess: async () => {
      void message.success(t('alerts.acknowledged'));
      await queryClient.invalidateQueries({ queryKey: ['alerts'] });
    },
  });
  return (
    <div className="page">
      <div className="page-title"><h2>{t('alerts.title')}</h2></div>
      <Card size="small">
        <Space style={{ marginBottom: 12 }} wrap>
          <Segmented value={status} onChange={(v) => setStatus(v as typeof status)} options={[{ value: 'open', label: t('alerts.open') }, { value: 'acknowledged', label: t('alerts.acknowledged') }]} />
          <Select allowClear placeholder={t('alerts.kind')} style={{ width: 220 }} value={kind} onChange={setKind}
            options={Object.entries(counts.data?.counts ?? {}).map(([k, n]) => ({ value: k, label: `${words(k)} (${n})` }))} />
          <Typography.Text type="secondary">{counts.data?.total ?? 0}</Typography.Text>
        </Space>
        <Table<Alert> size="small" rowKey="id" dataSource={list.data?.items ?? []} loading={list.isPending} pagination={{ pageSize: 50, hideOnSinglePage: true }}
          onRow={(a) => ({ 'data-alert-kind': a.kind }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('alerts.raisedAt'), dataIndex: 'raisedAt', width: 170, render: (v: string) => <span className="num">{time.full(v)}</span> },
            { title: t('alerts.kind'), dataIndex: 'kind', width: 170, render: (k: string) => <Tag color={k.includes('fail') || k.includes('oversell') ? 'error' : 'warning'} title={k}>{words(k)}</Tag> },
            { title: t('alerts.subject'), dataIndex: 'subject', width: 200, render: (v: string, a) => (a.orderId ? <Link to={`/orders/${a.orderId}`}>{v}</Link> : v) },
            { title: t('alerts.message'), dataIndex: 'message' },
            {
              title: '', key: 'ack', width: 110,
              render: (_: unknown, a) => (a.acknowledgedAt ? <span className="muted">{a.acknowledgedBy}</span> : canAck ? <Button size="small" onClick={() => ack.mutate(a.id)}>{t('alerts.acknowledge')}</Button> : null),
            },
          ]} />
      </Card>
    </div>
  );
}
