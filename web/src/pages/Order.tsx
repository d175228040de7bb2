import { ArrowLeftOutlined, EditOutlined, PauseCircleOutlined, PlayCircleOutlined, RedoOutlined, StopOutlined } from '@ant-design/icons';
import { App, Badge, Button, Card, Col, Descriptions, Empty, Form, Input, Modal, Row, Space, Table, Tag, Timeline, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ChannelTag, Money, StatusTag, TierTag, useReason } from '../components/tags.tsx';
import { api, ApiError, post, put } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.tsx';
import { zh, type MessageKey } from '../lib/messages.ts';
import { transition } from '../lib/orders.ts';
import { useActorName } from '../lib/people.ts';
import { useCan } from '../lib/session.tsx';
import { useTime } from '../lib/time.tsx';
import { priorities, type Attempt, type DeliveryOrder, type OrderDetail, type OrderEvent, type OrderStatus, type Priority } from '../lib/types.ts';

interface Decision {
  strategy?: string;
  ranked?: { warehouseCode: string; distanceKm: number | null }[];
  dropped?: { warehouseCode: string; reason: string }[];
  chosen?: string[];
  split?: boolean;
  preferred?: string[];
}

const stoppable: OrderStatus[] = ['created', 'paid', 'allocated', 'routed', 'pushed', 'exception'];
const cancellable: OrderStatus[] = ['created', 'paid', 'allocated', 'routed', 'pushed', 'on_hold', 'exception'];

function eventColour(e: OrderEvent): string {
  if (e.to === 'exception') return 'red';
  if (e.to === 'on_hold') return 'gold';
  if (e.type === 'rules_fired' || e.data?.decision) return 'purple';
  if (e.to === 'cancelled') return 'gray';
  return e.to ? 'blue' : 'gray';
}

interface TimeConversion { boundary: 'channel_in' | 'wms_out' | 'marketplace_out'; subject: string | null; field: string; sourceValue: string; sourceZone: string; utc: string; targetZone: string; rendered: string }

/** Every time conversion the order went through at a boundary, as the platform recorded it (GET /orders/:id/time-conversions). */
function TimeConversions({ orderId }: { orderId: string }) {
  const { t } = useI18n();
  const list = useQuery({ queryKey: ['time-conversions', orderId], queryFn: () => api<{ items: TimeConversion[] }>(`/api/v1/orders/${encodeURIComponent(orderId)}/time-conversions`) });
  const colour = { channel_in: 'blue', wms_out: 'geekblue', marketplace_out: 'cyan' } as const;
  const stamp = { whiteSpace: 'nowrap', fontSize: 12, fontVariantNumeric: 'tabular-nums' } as const;
  return (
    <Card size="small" title={t('order.conversions')} extra={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('order.conversionsHint')}</Typography.Text>} style={{ marginBottom: 12 }} data-testid="time-conversions">
      <Table<TimeConversion> size="small" pagination={false} scroll={{ x: 'max-content' }} rowKey={(c) => `${c.boundary}.${c.subject}.${c.field}.${c.rendered}`} loading={list.isLoading}
        dataSource={list.data?.items ?? []} locale={{ emptyText: t('order.noConversions') }}
        columns={[
          { title: '', dataIndex: 'boundary', width: 120, render: (b: TimeConversion['boundary'], c) => <><Tag color={colour[b]}>{t(`time.boundary.${b}`)}</Tag>{c.subject ? <div className="muted num" style={{ fontSize: 11 }}>{c.subject}</div> : null}</> },
          { title: t('time.field'), dataIndex: 'field', render: (f: string) => <code style={{ fontSize: 12 }}>{f}</code> },
          { title: t('time.source'), render: (_, c) => <div style={stamp}>{c.sourceValue}<div className="muted" style={{ fontSize: 11 }}>{c.sourceZone}</div></div> },
          { title: t('time.utc'), dataIndex: 'utc', render: (u: string) => <span style={stamp}>{u}</span> },
          { title: t('time.target'), render: (_, c) => <div style={stamp}><b>{c.rendered}</b><div className="muted" style={{ fontSize: 11 }}>{c.targetZone}</div></div> },
        ]} />
    </Card>
  );
}

function Attempts({ code }: { code: string }) {
  const { t } = useI18n();
  const time = useTime();
  const detail = useQuery({ queryKey: ['delivery', code], queryFn: () => api<DeliveryOrder>(`/api/v1/delivery-orders/${encodeURIComponent(code)}`) });
  return (
    <Table<Attempt>
      size="small"
      rowKey={(a) => `${a.at}-${a.target}`}
      pagination={false}
      loading={detail.isPending}
      dataSource={detail.data?.attemptHistory ?? []}
      columns={[
        { title: t('common.time'), dataIndex: 'at', width: 170, render: (v: string) => <span className="num">{time.full(v)}</span> },
        { title: t('order.target'), dataIndex: 'target', width: 80, render: (v: string) => (v === 'wms' ? 'WMS' : t('order.notice')) },
        { title: t('common.status'), dataIndex: 'outcome', width: 90, render: (o: string) => <Tag color={['accepted', 'sent'].includes(o) ? 'success' : o === 'retry' || o === 'due' ? 'warning' : 'error'}>{o}</Tag> },
        { title: t('order.latency'), dataIndex: 'latencyMs', width: 80, align: 'right' },
        { title: t('common.error'), dataIndex: 'error', render: (e: string | null) => e ?? '' },
      ]}
    />
  );
}

function ReceiverDialog({ order, open, onClose }: { order: OrderDetail; open: boolean; onClose(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm();
  const save = useMutation({
    mutationFn: (values: Record<string, string>) => put(`/api/v1/orders/${order.id}/receiver`, values),
    onSuccess: async () => {
      void message.success(t('common.done'));
      await queryClient.invalidateQueries({ queryKey: ['order', order.id] });
      onClose();
    },
  });
  const r = order.receiver;
  return (
    <Modal open={open} title={t('order.correctReceiver')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={save.isPending} destroyOnHidden width={560}>
      <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)}
        initialValues={{ name: r.masked ? '' : r.name, phone: r.masked ? '' : r.phone, province: r.province, city: r.city, district: r.district ?? '', address: r.masked ? '' : r.address }}>
        <Row gutter={12}>
          <Col span={12}><Form.Item name="name" label={t('receiver.name')} rules={[{ required: true }]}><Input /></Form.Item></Col>
          <Col span={12}><Form.Item name="phone" label={t('receiver.phone')} rules={[{ required: true }]}><Input /></Form.Item></Col>
          <Col span={8}><Form.Item name="province" label={t('receiver.province')} rules={[{ required: true }]}><Input /></Form.Item></Col>
          <Col span={8}><Form.Item name="city" label={t('receiver.city')} rules={[{ required: true }]}><Input /></Form.Item></Col>
          <Col span={8}><Form.Item name="district" label={t('receiver.district')}><Input /></Form.Item></Col>
          <Col span={24}><Form.Item name="address" label={t('receiver.address')} rules={[{ required: true }]}><Input /></Form.Item></Col>
        </Row>
        {save.error ? <Typography.Text type="danger">{(save.error as ApiError).message}</Typography.Text> : null}
      </Form>
    </Modal>
  );
}

export function OrderPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const time = useTime();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const canAct = useCan('admin', 'ops');
  const words = useReason();
  const actorName = useActorName();
  const eventName = (type: string) => (`event.${type}` in zh ? t(`event.${type}` as MessageKey) : type);
  const [receiverOpen, setReceiverOpen] = useState(false);
  const [reasonFor, setReasonFor] = useState<'hold' | 'cancel' | null>(null);
  const [reason, setReason] = useState('');
  const order = useQuery({ queryKey: ['order', id], queryFn: () => api<OrderDetail>(`/api/v1/orders/${encodeURIComponent(id)}`) });
  const rules = useQuery({ queryKey: ['rules'], queryFn: () => api<{ items: { id: string; name: string }[] }>('/api/v1/rules'), staleTime: 60_000 });
  const ruleName = (id: string) => rules.data?.items.find((r) => r.id === id)?.name ?? id;
  const deliveries = useQuery({
    queryKey: ['order', id, 'deliveries'],
    queryFn: () => api<{ items: DeliveryOrder[] }>('/api/v1/delivery-orders', { query: { orderId: id, limit: 50 } }),
  });
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: ['order', id] });
    await queryClient.invalidateQueries({ queryKey: ['board'] });
  };
  const act = useMutation({
    mutationFn: (work: () => Promise<unknown>) => work(),
    onSuccess: async () => {
      void message.success(t('common.done'));
      await refresh();
    },
    onError: (error) => void message.error(error instanceof Error ? error.message : String(error)),
  });

  if (order.isPending) return <div className="page"><Card loading /></div>;
  if (!order.data) return <div className="page"><Empty description={(order.error as Error | null)?.message} /></div>;
  const o = order.data;
  // Rules fired at intake are on the first event (data.decision); those after routing have an event of their own.
  const fired = o.events.filter((e) => e.type === 'rules_fired' || (e.type === 'ingested' && e.data?.decision)).map((e) => ({ id: e.id, data: (e.type === 'rules_fired' ? e.data : e.data!.decision) as Record<string, unknown> }));
  const decisions = (deliveries.data?.items ?? []).map((d) => ({ code: d.code, decision: d.routing as Decision | null }));
  const decision = decisions.find((d) => d.decision)?.decision ?? null;
  const retryable = (deliveries.data?.items ?? []).filter((d) => ['failed', 'rejected', 'pending'].includes(d.status));

  const runReasoned = () => {
    const why = reason.trim();
    if (!why || !reasonFor) return;
    const to: OrderStatus = reasonFor === 'hold' ? 'on_hold' : 'cancelled';
    setReasonFor(null);
    setReason('');
    act.mutate(() => transition(o.id, to, why));
  };

  return (
    <div className="page">
      <div className="page-title">
        <Space>
          <Link to="/board"><ArrowLeftOutlined /></Link>
          <h2 className="num">{o.channelOrderId}</h2>
          <ChannelTag channel={o.channel} />
          <StatusTag status={o.status} reason={o.statusReason} />
          <TierTag priority={o.priority} />
          {o.handlingGroup ? <Tag color="purple">{o.handlingGroup}</Tag> : null}
        </Space>
        {canAct ? (
          <Space wrap data-testid="order-actions">
            {stoppable.includes(o.status) ? <Button icon={<PauseCircleOutlined />} onClick={() => setReasonFor('hold')}>{t('board.hold')}</Button> : null}
            {o.status === 'on_hold' || o.status === 'exception' ? (
              <Button icon={<PlayCircleOutlined />} onClick={() => act.mutate(() => transition(o.id, o.heldFrom ?? 'paid', 'released by hand'))}>{t('board.release')}</Button>
            ) : null}
            {retryable.length ? (
              <Button type="primary" icon={<RedoOutlined />} data-testid="retry-push" loading={act.isPending}
                onClick={() => act.mutate(async () => { for (const d of retryable) await post(`/api/v1/delivery-orders/${encodeURIComponent(d.code)}/retry`); })}>
                {t('order.retryPush')}
              </Button>
            ) : null}
            <Button icon={<EditOutlined />} onClick={() => setReceiverOpen(true)}>{t('order.correctReceiver')}</Button>
            {cancellable.includes(o.status) ? (
              <Button danger icon={<StopOutlined />} onClick={() => modal.confirm({ title: t('board.cancelConfirm', { n: 1 }), onOk: () => setReasonFor('cancel') })}>{t('board.cancel')}</Button>
            ) : null}
          </Space>
        ) : null}
      </div>
      <Row gutter={12}>
        <Col xs={24} xl={16}>
          <Card size="small" style={{ marginBottom: 12 }}>
            <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }}>
              <Descriptions.Item label="ID"><Typography.Text copyable className="num">{o.id}</Typography.Text></Descriptions.Item>
              <Descriptions.Item label={t('board.shop')}>{o.shopId}</Descriptions.Item>
              <Descriptions.Item label={t('board.amount')}><Money minor={o.totalFen} currency={o.currency} /></Descriptions.Item>
              <Descriptions.Item label={t('board.paidAt')}>{time.full(o.paidAt)}</Descriptions.Item>
              <Descriptions.Item label={t('order.deadline')}>
                <span className="num">{time.full(o.processBy)}</span>
                {o.prioritySetBy ? <Typography.Text type="secondary"> · {t('order.tierSetBy', { who: actorName(o.prioritySetBy) })}</Typography.Text> : null}
              </Descriptions.Item>
              <Descriptions.Item label={t('order.setTier')}>
                <Space size={4}>
                  {priorities.map((p: Priority) => (
                    <Button key={p} size="small" type={p === o.priority ? 'primary' : 'default'} disabled={!canAct || p === o.priority}
                      onClick={() => act.mutate(() => put(`/api/v1/orders/${o.id}/priority`, { priority: p }))}>{t(`tier.${p}`)}</Button>
                  ))}
                </Space>
              </Descriptions.Item>
              <Descriptions.Item label={t('order.receiver')} span={2}>
                {o.receiver.name} {o.receiver.phone} · {o.receiver.province} {o.receiver.city} {o.receiver.district ?? ''} {o.receiver.address}
                {o.receiver.timeZone && o.receiver.country !== 'CN' ? <Tag style={{ marginLeft: 8 }} data-testid="receiver-zone">{o.receiver.country} · {o.receiver.timeZone}</Tag> : null}
              </Descriptions.Item>
              <Descriptions.Item label={t('order.buyerMessage')}>{o.buyerMessage ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('order.tags')} span={3}>{o.tags.length ? o.tags.map((tag) => <Tag key={tag}>{tag}</Tag>) : '—'}</Descriptions.Item>
            </Descriptions>
          </Card>
          <Card size="small" title={t('order.lines')} style={{ marginBottom: 12 }}>
            <Table size="small" rowKey="lineNo" pagination={false} dataSource={o.lines}
              columns={[
                { title: 'SKU', dataIndex: 'sku' },
                { title: t('common.name'), dataIndex: 'title' },
                { title: t('common.count'), dataIndex: 'quantity', align: 'right' },
                { title: t('board.amount'), dataIndex: 'amountFen', align: 'right', render: (v: number) => <Money minor={v} currency={o.currency} /> },
              ]} />
          </Card>
          <Card size="small" title={t('order.deliveries')} style={{ marginBottom: 12 }} data-testid="deliveries">
            {(deliveries.data?.items ?? []).length === 0 ? <Empty description={t('order.noDeliveries')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> : null}
            {(deliveries.data?.items ?? []).map((d) => (
              <div key={d.code} style={{ marginBottom: 16 }} data-delivery={d.code} data-delivery-status={d.status}>
                <Space style={{ marginBottom: 6 }} wrap>
                  <b className="num">{d.code}</b>
                  <Tag>{d.warehouseCode}</Tag>
                  <Badge status={d.status === 'failed' || d.status === 'rejected' ? 'error' : d.status === 'pending' ? 'processing' : 'success'} text={d.status} />
                  {d.lastError ? <Typography.Text type="danger">{d.lastError}</Typography.Text> : null}
                  {d.trackingNo ? <Typography.Text type="secondary">{d.carrier} {d.trackingNo}</Typography.Text> : null}
                </Space>
                <Attempts code={d.code} />
              </div>
            ))}
          </Card>
          <TimeConversions orderId={o.id} />
        </Col>
        <Col xs={24} xl={8}>
          <Card size="small" title={t('order.rulesFired')} style={{ marginBottom: 12 }} data-testid="rules-fired">
            {fired.length === 0 ? <Typography.Text type="secondary">{t('order.noRules')}</Typography.Text> : fired.map((e) => {
              const data = e.data as unknown as { rules?: { id: string; version: number }[]; priority?: Priority; group?: string; tags?: string[]; hold?: { reason: string } };
              return (
                <div key={e.id} style={{ marginBottom: 8 }}>
                  {(data.rules ?? []).map((r) => <div key={r.id}><Tag color="purple">{ruleName(r.id)}</Tag><span className="muted">v{r.version}</span></div>)}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {[data.priority && `→ ${t(`tier.${data.priority}`)}`, data.group && `→ ${t('board.group')} ${data.group}`, data.tags?.length && `+ ${data.tags.join(', ')}`, data.hold && `${t('board.hold')}: ${data.hold.reason}`].filter(Boolean).join(' · ')}
                  </Typography.Text>
                </div>
              );
            })}
          </Card>
          <Card size="small" title={t('order.routing')} style={{ marginBottom: 12 }} data-testid="routing">
            {decision ? (
              <Space direction="vertical" size={4} style={{ width: '100%' }}>
                <div><span className="muted">strategy</span> {decision.strategy}{decision.split ? ' · split' : ''}</div>
                {(decision.ranked ?? []).map((r) => (
                  <div key={r.warehouseCode}>
                    <Tag color={decision.chosen?.includes(r.warehouseCode) ? 'blue' : undefined}>{r.warehouseCode}</Tag>
                    {r.distanceKm !== null ? <span className="num muted">{Math.round(r.distanceKm)} km</span> : null}
                    {decision.chosen?.includes(r.warehouseCode) ? <span> · {t('order.chosen')}</span> : null}
                    {decision.preferred?.includes(r.warehouseCode) ? <Tag color="green" style={{ marginLeft: 6 }}>preferred</Tag> : null}
                  </div>
                ))}
                {(decision.dropped ?? []).map((d) => (
                  <div key={d.warehouseCode}><Tag>{d.warehouseCode}</Tag><Typography.Text type="secondary">{t('order.dropped')}: {d.reason}</Typography.Text></div>
                ))}
              </Space>
            ) : <Typography.Text type="secondary">—</Typography.Text>}
          </Card>
          <Card size="small" title={t('order.timeline')} data-testid="timeline">
            <Timeline
              items={o.events.map((e) => ({
                color: eventColour(e),
                children: (
                  <div>
                    <div><b>{e.to ? t(`status.${e.to}`) : eventName(e.type)}</b> {e.to ? <span className="muted" style={{ fontSize: 12 }}>{eventName(e.type)}</span> : null}</div>
                    <div className="muted num" style={{ fontSize: 12 }}>{time.full(e.at)} · {actorName(e.actor)}</div>
                    {e.reason ? <div style={{ fontSize: 12 }}>{words(e.reason)}</div> : null}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
      <ReceiverDialog order={o} open={receiverOpen} onClose={() => setReceiverOpen(false)} />
      <Modal open={reasonFor !== null} title={reasonFor === 'hold' ? t('board.holdReason') : t('board.cancelReason')} onCancel={() => setReasonFor(null)}
        onOk={runReasoned} okButtonProps={{ disabled: !reason.trim() }} destroyOnHidden>
        <Input.TextArea autoFocus value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} rows={3} />
      </Modal>
    </div>
  );
}
