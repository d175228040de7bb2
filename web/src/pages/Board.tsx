import { DownloadOutlined, PauseCircleOutlined, PlayCircleOutlined, RedoOutlined, StopOutlined, SearchOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Input, Modal, Row, Select, Space, Statistic, Switch, Table, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { channelName, ChannelTag, Money, StatusTag, TierTag, WarningTag } from '../components/tags.tsx';
import { api, withQuery } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.tsx';
import { forEach, release, retryPush, transition } from '../lib/orders.ts';
import { useCan } from '../lib/session.tsx';
import { instantMs, useTime } from '../lib/time.tsx';
import { channels, priorities, waitingStatuses, type BoardRow, type BoardSummary, type OrderStatus, type Page, type Priority } from '../lib/types.ts';

const holdable: OrderStatus[] = ['paid', 'allocated', 'routed', 'pushed', 'exception'];
const cancellable: OrderStatus[] = ['paid', 'allocated', 'routed', 'pushed', 'on_hold', 'exception'];

interface Filters {
  status?: OrderStatus[];
  channel?: string;
  shopId?: string;
  priority?: Priority[];
  group?: string;
  warehouse?: string;
  overdue?: boolean;
  q?: string;
}

/** The board's filter lives in the address, so a filtered board can be shared and reloaded. */
function useFilters(): [Filters, (next: Filters) => void] {
  const [params, setParams] = useSearchParams();
  const filters: Filters = {
    status: params.get('status')?.split(',').filter(Boolean) as OrderStatus[] | undefined,
    channel: params.get('channel') ?? undefined,
    shopId: params.get('shopId') ?? undefined,
    priority: params.get('priority')?.split(',').filter(Boolean) as Priority[] | undefined,
    group: params.get('group') ?? undefined,
    warehouse: params.get('warehouse') ?? undefined,
    overdue: params.get('overdue') === 'true' || undefined,
    q: params.get('q') ?? undefined,
  };
  const set = (next: Filters) => {
    const out = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) {
      if (v === undefined || v === '' || v === false || (Array.isArray(v) && v.length === 0)) continue;
      out.set(k, Array.isArray(v) ? v.join(',') : String(v));
    }
    setParams(out, { replace: true });
  };
  return [filters, set];
}

function SummaryMatrix({ summary, onPick }: { summary: BoardSummary; onPick(status: OrderStatus, priority?: Priority): void }) {
  const { t } = useI18n();
  const statuses = summary.statuses.filter((s) => summary.byStatus[s]);
  return (
    <table className="matrix" data-testid="board-matrix">
      <thead>
        <tr>
          <th>{t('board.statusTier')}</th>
          {priorities.map((p) => <th key={p}><TierTag priority={p} /></th>)}
          <th>{t('common.all')}</th>
        </tr>
      </thead>
      <tbody>
        {statuses.length === 0 ? (
          <tr><td colSpan={5} className="muted">{t('board.empty')}</td></tr>
        ) : statuses.map((s) => {
          const row = summary.byStatus[s]!;
          return (
            <tr key={s}>
              <td><StatusTag status={s} /></td>
              {priorities.map((p) => (
                <td key={p} className={row[p] ? 'clickable' : 'muted'} onClick={() => row[p] && onPick(s, p)} data-cell={`${s}:${p}`}>{row[p] || '·'}</td>
              ))}
              <td className="clickable" onClick={() => onPick(s)}><b>{priorities.reduce((n, p) => n + row[p], 0)}</b></td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function BoardPage() {
  const { t, language } = useI18n();
  const time = useTime();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const canAct = useCan('admin', 'ops');
  const [filters, setFilters] = useFilters();
  const [search, setSearch] = useState(filters.q ?? '');
  const [selected, setSelected] = useState<string[]>([]);
  const [reasonFor, setReasonFor] = useState<'hold' | 'cancel' | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);

  const { q: _q, ...summaryFilters } = filters;
  const summary = useQuery({
    queryKey: ['board', 'summary', summaryFilters],
    queryFn: () => api<BoardSummary>('/api/v1/board/summary', { query: { ...summaryFilters } }),
    refetchInterval: 5_000,
  });
  const rows = useInfiniteQuery({
    queryKey: ['board', 'rows', filters],
    queryFn: ({ pageParam }) => api<Page<BoardRow>>('/api/v1/board', { query: { ...filters, cursor: pageParam, limit: 50 } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 5_000,
  });
  const shops = useQuery({ queryKey: ['shops'], queryFn: () => api<{ items: { id: string; name: string; channel: string }[] }>('/api/v1/shops'), staleTime: 60_000 });
  const groups = useQuery({ queryKey: ['groups'], queryFn: () => api<{ items: { code: string; name: string }[] }>('/api/v1/groups'), staleTime: 60_000 });
  const warehouses = useQuery({ queryKey: ['warehouses'], queryFn: () => api<{ items: { code: string; name: string }[] }>('/api/v1/warehouses'), staleTime: 60_000 });

  const items = useMemo(() => rows.data?.pages.flatMap((p) => p.items) ?? [], [rows.data]);
  // A selection belongs to the rows it was made on: another filter starts a new one.
  const filterKey = JSON.stringify(filters);
  useEffect(() => setSelected([]), [filterKey]);
  const byId = useMemo(() => new Map(items.map((r) => [r.id, r])), [items]);
  const now = Date.now();

  /** Runs an action on the selected orders it fits (by status); the others are left alone and counted. */
  const bulk = async (fits: (row: BoardRow) => boolean, work: (row: BoardRow) => Promise<unknown>) => {
    setBusy(true);
    try {
      const chosen = selected.map((id) => byId.get(id)).filter((r): r is BoardRow => !!r);
      const fitting = chosen.filter(fits);
      const result = await forEach(fitting, work);
      const skipped = chosen.length - fitting.length;
      const text = t('board.bulkDone', { ok: result.ok, failed: result.failed }) + (skipped ? t('board.bulkSkipped', { n: skipped }) : '');
      if (result.failed) void message.warning(`${text}: ${result.errors[0]}`);
      else if (result.ok === 0) void message.info(text);
      else void message.success(text);
      setSelected([]);
      await queryClient.invalidateQueries({ queryKey: ['board'] });
    } finally {
      setBusy(false);
    }
  };

  const runReasoned = async () => {
    const why = reason.trim();
    if (!why || !reasonFor) return;
    const kind = reasonFor;
    setReasonFor(null);
    setReason('');
    await bulk(kind === 'hold' ? (r) => holdable.includes(r.status) : (r) => cancellable.includes(r.status), (row) => transition(row.id, kind === 'hold' ? 'on_hold' : 'cancelled', why));
  };

  const exportCsv = () => {
    const href = withQuery('/api/v1/board/export.csv', { ...filters, lang: language, tz: time.zone });
    const a = document.createElement('a');
    a.href = href;
    a.download = '';
    document.body.appendChild(a);
    a.click();
    a.remove();
  };

  const columns: ColumnsType<BoardRow> = [
    {
      title: t('board.channelOrderId'),
      dataIndex: 'channelOrderId',
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <Link to={`/orders/${r.id}`} className="num" data-testid="order-link">{r.channelOrderId}</Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.shopId}</Typography.Text>
        </Space>
      ),
    },
    { title: t('board.channel'), dataIndex: 'channel', width: 90, render: (c: string) => <ChannelTag channel={c} /> },
    { title: t('common.status'), dataIndex: 'status', width: 150, render: (_, r) => <StatusTag status={r.status} reason={r.statusReason} /> },
    { title: t('board.tier'), dataIndex: 'priority', width: 80, render: (p: Priority) => <TierTag priority={p} /> },
    { title: t('board.group'), dataIndex: 'handlingGroup', width: 90, render: (g: string | null) => g ?? <span className="muted">—</span> },
    { title: t('board.warehouse'), dataIndex: 'warehouses', width: 100, render: (w: string[]) => (w.length ? w.join(', ') : <span className="muted">—</span>) },
    { title: t('board.receiver'), key: 'receiver', width: 120, render: (_, r) => `${r.receiverProvince} ${r.receiverCity}` },
    { title: t('board.amount'), dataIndex: 'totalFen', width: 100, align: 'right', render: (_, r) => <Money minor={r.totalFen} currency={r.currency} /> },
    { title: t('board.paidAt'), dataIndex: 'paidAt', width: 110, render: (v: string | null) => <span className="num">{time.short(v)}</span> },
    {
      title: t('board.deadline'),
      dataIndex: 'processBy',
      width: 170,
      render: (v: string, r) => {
        const left = instantMs(v) - now;
        return (
          <Tooltip title={time.full(v)}>
            <Space size={6}>
              <span className="num">{time.short(v)}</span>
              {r.warning !== 'none' ? <WarningTag warning={r.warning} /> : null}
            </Space>
            <div style={{ fontSize: 12 }}>
              <Typography.Text type={r.warning === 'red' ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
                {left < 0 ? t('board.overdueBy', { t: time.duration(left) }) : t('board.dueIn', { t: time.duration(left) })}
              </Typography.Text>
            </div>
          </Tooltip>
        );
      },
    },
  ];

  const s = summary.data;
  return (
    <div className="page">
      <div className="page-title">
        <h2>{t('board.title')}</h2>
      </div>
      <Row gutter={12} style={{ marginBottom: 12 }}>
        <Col xs={24} lg={8}>
          <Row gutter={[12, 12]}>
            <Col span={12}>
              <Card className="stat-card" size="small"><Statistic title={t('board.waiting')} value={s?.total ?? 0} /></Card>
            </Col>
            <Col span={12}>
              <Card className="stat-card" size="small" hoverable onClick={() => setFilters({ ...filters, overdue: !filters.overdue || undefined })}>
                <Statistic title={t('board.overdue')} value={s?.overdue ?? 0} valueStyle={{ color: s?.overdue ? '#cf1322' : undefined }} />
              </Card>
            </Col>
            <Col span={12}>
              <Card className="stat-card" size="small"><Statistic title={t('board.amber')} value={s?.amber ?? 0} valueStyle={{ color: s?.amber ? '#d48806' : undefined }} /></Card>
            </Col>
            <Col span={12}>
              <Card className="stat-card" size="small">
                <Statistic title={t('tier.urgent')} value={s?.byTier.urgent ?? 0} valueStyle={{ color: '#cf1322' }} suffix={<span className="muted" style={{ fontSize: 13 }}>/ {t('tier.high')} {s?.byTier.high ?? 0}</span>} />
              </Card>
            </Col>
          </Row>
        </Col>
        <Col xs={24} lg={16}>
          <Card size="small" styles={{ body: { padding: '6px 8px' } }}>
            {s ? <SummaryMatrix summary={s} onPick={(status, priority) => setFilters({ ...filters, status: [status], priority: priority ? [priority] : undefined })} /> : null}
          </Card>
        </Col>
      </Row>
      <Card size="small" styles={{ body: { padding: 12 } }}>
        <Space wrap style={{ marginBottom: 12 }} size={8}>
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('board.searchPlaceholder')}
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              if (!e.target.value) setFilters({ ...filters, q: undefined });
            }}
            onPressEnter={() => setFilters({ ...filters, q: search.trim() || undefined })}
            style={{ width: 240 }}
            data-testid="board-search"
          />
          <Select allowClear placeholder={t('common.status')} mode="multiple" maxTagCount={2} style={{ minWidth: 160 }} value={filters.status ?? []}
            onChange={(v: OrderStatus[]) => setFilters({ ...filters, status: v })}
            options={[...waitingStatuses, 'created', 'accepted_by_wms', 'shipped', 'cancelled'].map((st) => ({ value: st, label: t(`status.${st as OrderStatus}`) }))} data-testid="filter-status" />
          <Select allowClear placeholder={t('board.channel')} style={{ width: 110 }} value={filters.channel} onChange={(v?: string) => setFilters({ ...filters, channel: v })}
            options={channels.map((c) => ({ value: c, label: channelName(c, language) }))} />
          <Select allowClear showSearch placeholder={t('board.shop')} style={{ width: 140 }} value={filters.shopId} onChange={(v?: string) => setFilters({ ...filters, shopId: v })}
            options={(shops.data?.items ?? []).filter((sh) => !filters.channel || sh.channel === filters.channel).map((sh) => ({ value: sh.id, label: sh.name || sh.id }))} />
          <Select allowClear mode="multiple" placeholder={t('board.tier')} style={{ minWidth: 120 }} value={filters.priority ?? []} onChange={(v: Priority[]) => setFilters({ ...filters, priority: v })}
            options={priorities.map((p) => ({ value: p, label: t(`tier.${p}`) }))} data-testid="filter-tier" />
          <Select allowClear placeholder={t('board.group')} style={{ width: 120 }} value={filters.group} onChange={(v?: string) => setFilters({ ...filters, group: v })}
            options={(groups.data?.items ?? []).map((g) => ({ value: g.code, label: g.name }))} />
          <Select allowClear placeholder={t('board.warehouse')} style={{ width: 130 }} value={filters.warehouse} onChange={(v?: string) => setFilters({ ...filters, warehouse: v })}
            options={(warehouses.data?.items ?? []).map((w) => ({ value: w.code, label: `${w.code} ${w.name}` }))} />
          <Space size={6}>
            <Switch size="small" checked={!!filters.overdue} onChange={(v) => setFilters({ ...filters, overdue: v || undefined })} data-testid="filter-overdue" />
            <span>{t('board.overdueOnly')}</span>
          </Space>
          <Button icon={<DownloadOutlined />} onClick={exportCsv} data-testid="export-csv">{t('board.export')}</Button>
        </Space>
        {selected.length > 0 && canAct ? (
          <div style={{ marginBottom: 10, padding: '6px 10px', background: '#f0f5ff', borderRadius: 6 }} data-testid="bulk-bar">
            <Space wrap>
              <b>{t('board.selected', { n: selected.length })}</b>
              <Button size="small" icon={<PauseCircleOutlined />} loading={busy} onClick={() => setReasonFor('hold')} data-testid="bulk-hold">{t('board.hold')}</Button>
              <Button size="small" icon={<PlayCircleOutlined />} loading={busy} onClick={() => void bulk((r) => r.status === 'on_hold' || r.status === 'exception', (r) => release(r, 'released from the board'))} data-testid="bulk-release">{t('board.release')}</Button>
              <Button size="small" icon={<RedoOutlined />} loading={busy} onClick={() => void bulk((r) => ['routed', 'pushed', 'exception'].includes(r.status), (r) => retryPush(r.id))} data-testid="bulk-retry">{t('board.retry')}</Button>
              <Button size="small" danger icon={<StopOutlined />} loading={busy}
                onClick={() => modal.confirm({ title: t('board.cancelConfirm', { n: selected.length }), onOk: () => setReasonFor('cancel') })} data-testid="bulk-cancel">{t('board.cancel')}</Button>
            </Space>
          </div>
        ) : null}
        <Table<BoardRow>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={items}
          loading={rows.isPending}
          pagination={false}
          locale={{ emptyText: t('board.empty') }}
          rowSelection={canAct ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]), preserveSelectedRowKeys: true } : undefined}
          rowClassName={(r) => (r.warning === 'none' ? '' : `board-row-${r.warning}`)}
          onRow={(r) => ({ 'data-order-id': r.id, 'data-priority': r.priority, 'data-warning': r.warning, 'data-status': r.status }) as React.HTMLAttributes<HTMLElement>}
          scroll={{ x: 'max-content' }}
          data-testid="board-table"
        />
        {rows.hasNextPage ? (
          <div style={{ textAlign: 'center', marginTop: 12 }}>
            <Button onClick={() => void rows.fetchNextPage()} loading={rows.isFetchingNextPage}>{t('common.more')}</Button>
          </div>
        ) : null}
      </Card>
      <Modal open={reasonFor !== null} title={reasonFor === 'hold' ? t('board.holdReason') : t('board.cancelReason')} onCancel={() => setReasonFor(null)}
        onOk={() => void runReasoned()} okButtonProps={{ disabled: !reason.trim(), id: 'reason-ok' }} destroyOnHidden>
        <Input.TextArea autoFocus value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} rows={3} data-testid="reason-input" />
      </Modal>
    </div>
  );
}
