import { App, Button, Card, Input, InputNumber, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, post } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.tsx';
import { useCan } from '../lib/session.tsx';
import { useTime } from '../lib/time.tsx';

interface Level { sku: string; warehouseCode: string; onHand: number; reserved: number; available: number; safetyStock: number; belowSafety: boolean; updatedAt: string }
interface Reservation { id: string; orderId: string; sku: string; warehouseCode: string; quantity: number; status: string; channel: string; expiresAt: string | null; createdAt: string }
interface Quantity { shopId: string; channel: string; quantity: number; available: number; safetyStock: number; sellable: number; safetyCut: boolean }
interface CountTask { id: string; warehouseCode: string; sku: string; status: string; bookQty: number; physicalQty: number | null; differenceBp: number | null; openedAt: string; note: string | null }
interface Run { id: string; warehouseCode: string; businessDate: string; outcome: string; skusCompared: number; countTasksOpened: number; ranAt: string }

function Levels() {
  const { t } = useI18n();
  const [sku, setSku] = useState('');
  const [warehouse, setWarehouse] = useState<string | undefined>();
  const [below, setBelow] = useState(false);
  const warehouses = useQuery({ queryKey: ['warehouses'], queryFn: () => api<{ items: { code: string; name: string }[] }>('/api/v1/warehouses') });
  const levels = useQuery({ queryKey: ['inventory', 'levels', sku, warehouse], queryFn: () => api<{ items: Level[] }>('/api/v1/inventory/levels', { query: { sku: sku || undefined, warehouseCode: warehouse, limit: 200 } }) });
  const items = (levels.data?.items ?? []).filter((l) => !below || l.belowSafety);
  return (
    <>
      <Space style={{ marginBottom: 12 }} wrap>
        <Input.Search allowClear placeholder="SKU" onSearch={setSku} style={{ width: 220 }} />
        <Select allowClear placeholder={t('board.warehouse')} style={{ width: 160 }} value={warehouse} onChange={setWarehouse} options={(warehouses.data?.items ?? []).map((w) => ({ value: w.code, label: `${w.code} ${w.name}` }))} />
        <Button type={below ? 'primary' : 'default'} onClick={() => setBelow(!below)}>{t('inventory.belowSafety')}</Button>
      </Space>
      <Table<Level> size="small" rowKey={(l) => `${l.sku}@${l.warehouseCode}`} dataSource={items} loading={levels.isPending} pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { title: 'SKU', dataIndex: 'sku' },
          { title: t('board.warehouse'), dataIndex: 'warehouseCode' },
          { title: t('inventory.onHand'), dataIndex: 'onHand', align: 'right' },
          { title: t('inventory.reserved'), dataIndex: 'reserved', align: 'right' },
          { title: t('inventory.available'), dataIndex: 'available', align: 'right', render: (v: number, l) => <Typography.Text type={l.belowSafety ? 'danger' : undefined} strong>{v}</Typography.Text> },
          { title: t('inventory.safetyStock'), dataIndex: 'safetyStock', align: 'right' },
          { title: '', dataIndex: 'belowSafety', render: (b: boolean) => (b ? <Tag color="error">{t('inventory.belowSafety')}</Tag> : null) },
        ]} />
    </>
  );
}

function Reservations() {
  const { t } = useI18n();
  const time = useTime();
  const list = useQuery({ queryKey: ['inventory', 'reservations'], queryFn: () => api<{ items: Reservation[] }>('/api/v1/inventory/reservations', { query: { limit: 200 } }) });
  return (
    <Table<Reservation> size="small" rowKey="id" dataSource={list.data?.items ?? []} loading={list.isPending} pagination={{ pageSize: 50, hideOnSinglePage: true }}
      columns={[
        { title: t('common.time'), dataIndex: 'createdAt', render: (v: string) => <span className="num">{time.full(v)}</span> },
        { title: 'SKU', dataIndex: 'sku' },
        { title: t('board.warehouse'), dataIndex: 'warehouseCode' },
        { title: t('common.count'), dataIndex: 'quantity', align: 'right' },
        { title: t('common.status'), dataIndex: 'status', render: (s: string) => <Tag>{s}</Tag> },
        { title: t('inventory.order'), dataIndex: 'orderId', render: (v: string) => <Link to={`/orders/${v}`} className="num">{v.slice(0, 13)}…</Link> },
        { title: t('inventory.expires'), dataIndex: 'expiresAt', render: (v: string | null) => time.short(v) },
      ]} />
  );
}

function ChannelQuantities() {
  const { t } = useI18n();
  const [sku, setSku] = useState('');
  const list = useQuery({ queryKey: ['inventory', 'quantities', sku], queryFn: () => api<{ items: Quantity[] }>('/api/v1/inventory/channel-quantities', { query: { sku } }), enabled: !!sku });
  return (
    <>
      <Input.Search placeholder={t('inventory.skuHint')} onSearch={setSku} style={{ width: 300, marginBottom: 12 }} enterButton />
      <Table<Quantity> size="small" rowKey="shopId" dataSource={list.data?.items ?? []} loading={list.isFetching} pagination={false}
        columns={[
          { title: t('inventory.shop'), dataIndex: 'shopId' },
          { title: t('board.channel'), dataIndex: 'channel' },
          { title: t('inventory.quantity'), dataIndex: 'quantity', align: 'right', render: (v: number) => <b>{v}</b> },
          { title: t('inventory.why'), key: 'why', render: (_: unknown, q) => `${t('inventory.available')} ${q.available} − ${t('inventory.safetyStock')} ${q.safetyStock} = ${q.sellable}${q.safetyCut ? ' · safety stock reached' : ''}` },
        ]} />
    </>
  );
}

function CountTasks() {
  const { t } = useI18n();
  const time = useTime();
  const { message } = App.useApp();
  const canAct = useCan('admin', 'ops');
  const queryClient = useQueryClient();
  const [counted, setCounted] = useState<Record<string, number | null>>({});
  const list = useQuery({ queryKey: ['inventory', 'count-tasks'], queryFn: () => api<{ items: CountTask[] }>('/api/v1/inventory/count-tasks', { query: { status: 'open', limit: 200 } }) });
  const act = useMutation({
    mutationFn: ({ id, action, body }: { id: string; action: 'complete' | 'cancel'; body: unknown }) => post(`/api/v1/inventory/count-tasks/${id}/${action}`, body),
    onSuccess: async () => {
      void message.success(t('common.done'));
      await queryClient.invalidateQueries({ queryKey: ['inventory'] });
    },
    onError: (e) => void message.error((e as Error).message),
  });
  return (
    <Table<CountTask> size="small" rowKey="id" dataSource={list.data?.items ?? []} loading={list.isPending} pagination={false}
      columns={[
        { title: t('common.time'), dataIndex: 'openedAt', render: (v: string) => time.short(v) },
        { title: t('board.warehouse'), dataIndex: 'warehouseCode' },
        { title: 'SKU', dataIndex: 'sku' },
        { title: t('inventory.book'), dataIndex: 'bookQty', align: 'right' },
        { title: 'WMS', dataIndex: 'physicalQty', align: 'right' },
        { title: t('inventory.counted'), key: 'counted', render: (_: unknown, task) => <InputNumber size="small" min={0} value={counted[task.id] ?? null} onChange={(v) => setCounted({ ...counted, [task.id]: v })} /> },
        {
          title: '', key: 'actions',
          render: (_: unknown, task) => canAct ? (
            <Space>
              <Button size="small" type="primary" disabled={counted[task.id] == null} onClick={() => act.mutate({ id: task.id, action: 'complete', body: { countedQty: counted[task.id] } })}>{t('inventory.complete')}</Button>
              <Button size="small" onClick={() => act.mutate({ id: task.id, action: 'cancel', body: { note: 'cancelled in the console' } })}>{t('inventory.cancelTask')}</Button>
            </Space>
          ) : null,
        },
      ]} />
  );
}

function Reconciliation() {
  const { t } = useI18n();
  const time = useTime();
  const warehouses = useQuery({ queryKey: ['warehouses'], queryFn: () => api<{ items: { code: string; name: string }[] }>('/api/v1/warehouses') });
  const [code, setCode] = useState<string | undefined>();
  const chosen = code ?? warehouses.data?.items[0]?.code;
  const runs = useQuery({ queryKey: ['inventory', 'runs', chosen], queryFn: () => api<{ items: Run[] }>(`/api/v1/warehouses/${chosen}/reconciliation-runs`, { query: { limit: 60 } }), enabled: !!chosen });
  return (
    <>
      <Select style={{ width: 200, marginBottom: 12 }} value={chosen} onChange={setCode} options={(warehouses.data?.items ?? []).map((w) => ({ value: w.code, label: `${w.code} ${w.name}` }))} />
      <Table<Run> size="small" rowKey="id" dataSource={runs.data?.items ?? []} loading={runs.isFetching} pagination={false}
        columns={[
          { title: t('inventory.businessDay'), dataIndex: 'businessDate' },
          { title: t('common.status'), dataIndex: 'outcome', render: (o: string) => <Tag color={o === 'done' ? 'success' : 'default'}>{o}</Tag> },
          { title: t('inventory.skusCompared'), dataIndex: 'skusCompared', align: 'right' },
          { title: t('inventory.countTasks'), dataIndex: 'countTasksOpened', align: 'right' },
          { title: t('common.time'), dataIndex: 'ranAt', render: (v: string) => time.full(v) },
        ]} />
    </>
  );
}

export function InventoryPage() {
  const { t } = useI18n();
  return (
    <div className="page">
      <div className="page-title"><h2>{t('inventory.title')}</h2></div>
      <Card size="small">
        <Tabs items={[
          { key: 'levels', label: t('inventory.levels'), children: <Levels /> },
          { key: 'reservations', label: t('inventory.reservations'), children: <Reservations /> },
          { key: 'quantities', label: t('inventory.channelQuantities'), children: <ChannelQuantities /> },
          { key: 'counts', label: t('inventory.countTasks'), children: <CountTasks /> },
          { key: 'reconciliation', label: t('inventory.reconciliation'), children: <Reconciliation /> },
        ]} />
      </Card>
    </div>
  );
}
