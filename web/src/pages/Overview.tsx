import { Card, Col, Row, Statistic, Table, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import { Chart } from '../components/Chart.tsx';
import { channelName, StatusTag, TierTag } from '../components/tags.tsx';
import { api } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.tsx';
import { useTime } from '../lib/time.tsx';
import { priorities, type Alert, type BoardRow, type BoardSummary, type DeliveryOrder, type Page } from '../lib/types.ts';

const tierColours = { urgent: '#f5222d', high: '#fa8c16', normal: '#8c8c8c' };

export function OverviewPage() {
  const { t, language } = useI18n();
  const time = useTime();
  const hourly = useQuery({ queryKey: ['overview', 'hourly'], queryFn: () => api<{ hours: string[]; series: Record<string, number[]> }>('/api/v1/board/hourly', { query: { hours: 24 } }), refetchInterval: 30_000 });
  const summary = useQuery({ queryKey: ['overview', 'summary'], queryFn: () => api<BoardSummary>('/api/v1/board/summary'), refetchInterval: 10_000 });
  const overdue = useQuery({ queryKey: ['overview', 'overdue'], queryFn: () => api<Page<BoardRow>>('/api/v1/board', { query: { overdue: true, limit: 8 } }), refetchInterval: 10_000 });
  const failing = useQuery({
    queryKey: ['overview', 'failing'],
    queryFn: async () => {
      const [failed, rejected] = await Promise.all([
        api<{ items: DeliveryOrder[] }>('/api/v1/delivery-orders', { query: { status: 'failed', limit: 100 } }),
        api<{ items: DeliveryOrder[] }>('/api/v1/delivery-orders', { query: { status: 'rejected', limit: 100 } }),
      ]);
      return [...failed.items, ...rejected.items];
    },
    refetchInterval: 15_000,
  });
  const alerts = useQuery({ queryKey: ['alerts', 'overview'], queryFn: () => api<Page<Alert>>('/api/v1/alerts', { query: { limit: 100 } }), refetchInterval: 15_000 });
  const stockAlerts = (alerts.data?.items ?? []).filter((a) => /stock|oversell|safety|drift/i.test(a.kind));

  const hourlyOption = useMemo(() => {
    const data = hourly.data;
    if (!data) return {};
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 32, bottom: 28 },
      xAxis: { type: 'category', data: data.hours.map((h) => time.hour(h)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: Object.entries(data.series).map(([channel, counts]) => ({ name: channelName(channel, language), type: 'bar', stack: 'orders', data: counts, barMaxWidth: 18 })),
    };
  }, [hourly.data, time, language]);

  const backlogOption = useMemo(() => {
    const s = summary.data;
    if (!s) return {};
    const statuses = s.statuses.filter((st) => s.byStatus[st]);
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 90, right: 16, top: 32, bottom: 20 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: statuses.map((st) => t(`status.${st}`)) },
      series: priorities.map((p) => ({ name: t(`tier.${p}`), type: 'bar', stack: 'tier', data: statuses.map((st) => s.byStatus[st]![p]), itemStyle: { color: tierColours[p] }, barMaxWidth: 18 })),
    };
  }, [summary.data, t]);

  const s = summary.data;
  return (
    <div className="page">
      <div className="page-title">
        <h2>{t('overview.title')}</h2>
      </div>
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        <Col xs={12} lg={6}><Card className="stat-card" size="small"><Statistic title={t('overview.waiting')} value={s?.total ?? 0} /></Card></Col>
        <Col xs={12} lg={6}><Card className="stat-card" size="small"><Link to="/board?overdue=true"><Statistic title={t('overview.overdue')} value={s?.overdue ?? 0} valueStyle={{ color: s?.overdue ? '#cf1322' : undefined }} /></Link></Card></Col>
        <Col xs={12} lg={6}><Card className="stat-card" size="small"><Statistic title={t('overview.failingPushes')} value={failing.data?.length ?? 0} valueStyle={{ color: failing.data?.length ? '#cf1322' : undefined }} /></Card></Col>
        <Col xs={12} lg={6}><Card className="stat-card" size="small"><Link to="/alerts"><Statistic title={t('overview.stockAlerts')} value={stockAlerts.length} valueStyle={{ color: stockAlerts.length ? '#d48806' : undefined }} /></Link></Card></Col>
      </Row>
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={14}>
          <Card size="small" title={t('overview.perHour')}><Chart option={hourlyOption} testId="chart-hourly" /></Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('overview.backlog')}><Chart option={backlogOption} testId="chart-backlog" /></Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('overview.overdue')}>
            <Table<BoardRow> size="small" rowKey="id" pagination={false} dataSource={overdue.data?.items ?? []} loading={overdue.isPending}
              columns={[
                { title: t('board.channelOrderId'), dataIndex: 'channelOrderId', render: (v: string, r) => <Link to={`/orders/${r.id}`} className="num">{v}</Link> },
                { title: t('common.status'), dataIndex: 'status', render: (_: unknown, r) => <StatusTag status={r.status} reason={r.statusReason} /> },
                { title: t('board.tier'), dataIndex: 'priority', render: (p: BoardRow['priority']) => <TierTag priority={p} /> },
                { title: t('board.deadline'), dataIndex: 'processBy', render: (v: string) => <Typography.Text type="danger" className="num">{time.short(v)}</Typography.Text> },
              ]} />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('overview.failingPushes')}>
            <Table<DeliveryOrder> size="small" rowKey="code" pagination={false} dataSource={(failing.data ?? []).slice(0, 8)} loading={failing.isPending}
              columns={[
                { title: t('order.deliveries'), dataIndex: 'code', render: (v: string, d) => <Link to={`/orders/${d.orderId}`} className="num">{v}</Link> },
                { title: t('board.warehouse'), dataIndex: 'warehouseCode' },
                { title: t('common.status'), dataIndex: 'status' },
                { title: t('common.error'), dataIndex: 'lastError', ellipsis: true },
              ]} />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
