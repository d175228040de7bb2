import { App, Button, Card, Col, Empty, Row, Statistic, Table, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Chart } from '../components/Chart.tsx';
import { channelName } from '../components/tags.tsx';
import { api, post } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.tsx';
import { useCan } from '../lib/session.tsx';
import { useTime } from '../lib/time.tsx';

interface WeekScore { week: string; from: string; to: string; score: number | null; complete: boolean; below: boolean }
interface Pause { channel: string; paused: boolean; reason: string | null; pausedAt: string | null; clearedAt: string | null; clearedBy: string | null }
interface Weekly { zone: string; pauseBelowScore: number; items: { channel: string; listingPause: Pause | null; weeks: WeekScore[] }[] }
interface Monthly { month: string; items: { channel: string; score: number | null; days: unknown[]; oversellCount?: number; accurateDays?: number }[] }

export function ScorecardsPage() {
  const { t, language } = useI18n();
  const time = useTime();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const isAdmin = useCan('admin');
  const weekly = useQuery({ queryKey: ['scorecards', 'weekly'], queryFn: () => api<Weekly>('/api/v1/inventory/scorecards/weekly', { query: { weeks: 8 } }) });
  const monthly = useQuery({ queryKey: ['scorecards', 'monthly'], queryFn: () => api<Monthly>('/api/v1/inventory/scorecards') });
  const pauses = useQuery({ queryKey: ['scorecards', 'pauses'], queryFn: () => api<{ items: Pause[] }>('/api/v1/inventory/listing-pauses') });
  const clear = useMutation({
    mutationFn: (channel: string) => post(`/api/v1/inventory/listing-pauses/${channel}/clear`),
    onSuccess: async () => {
      void message.success(t('common.done'));
      await queryClient.invalidateQueries({ queryKey: ['scorecards'] });
    },
    onError: (e) => void message.error((e as Error).message),
  });
  const option = useMemo(() => {
    const data = weekly.data;
    if (!data?.items.length) return null;
    const weeks = data.items[0]!.weeks.map((w) => w.week);
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 32, bottom: 28 },
      xAxis: { type: 'category', data: weeks },
      yAxis: { type: 'value', min: 0, max: 100 },
      series: [
        ...data.items.map((c) => ({ name: channelName(c.channel, language), type: 'line', smooth: true, data: c.weeks.map((w) => w.score), symbolSize: 7 })),
        { name: t('scorecards.threshold'), type: 'line', data: weeks.map(() => data.pauseBelowScore), lineStyle: { type: 'dashed', color: '#ff4d4f' }, symbol: 'none' },
      ],
    };
  }, [weekly.data, language, t]);
  return (
    <div className="page">
      <div className="page-title">
        <h2>{t('scorecards.title')}</h2>
        <Typography.Text type="secondary">{weekly.data?.zone}</Typography.Text>
      </div>
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        {(monthly.data?.items ?? []).map((c) => (
          <Col key={c.channel} xs={12} lg={6}>
            <Card className="stat-card" size="small">
              <Statistic title={`${channelName(c.channel, language)} · ${monthly.data?.month}`} value={c.score ?? '—'} suffix={c.score === null ? '' : '/ 100'} />
            </Card>
          </Col>
        ))}
      </Row>
      <Card size="small" title={t('scorecards.weekly')} style={{ marginBottom: 12 }}>
        {option ? <Chart option={option} testId="chart-weekly" /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />}
      </Card>
      <Card size="small" title={t('scorecards.pauses')}>
        <Table<Pause> size="small" rowKey="channel" pagination={false} dataSource={pauses.data?.items ?? []}
          columns={[
            { title: t('board.channel'), dataIndex: 'channel', render: (c: string) => channelName(c, language) },
            { title: t('common.status'), dataIndex: 'paused', render: (p: boolean) => (p ? <Tag color="error">paused</Tag> : <Tag>—</Tag>) },
            { title: t('common.reason'), dataIndex: 'reason' },
            { title: t('common.time'), dataIndex: 'pausedAt', render: (v: string | null) => time.full(v) },
            { title: '', key: 'clear', render: (_: unknown, p) => (p.paused && isAdmin ? <Button size="small" onClick={() => clear.mutate(p.channel)}>{t('scorecards.clear')}</Button> : p.clearedBy ? <span className="muted">{p.clearedBy}</span> : null) },
          ]} />
      </Card>
    </div>
  );
}
