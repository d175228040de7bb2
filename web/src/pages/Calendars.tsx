import { DeleteOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, InputNumber, Modal, Radio, Select, Space, Table, Tag, Tooltip, Typography, Upload } from 'antd';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, ApiError, del, post, put } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.tsx';
import { useSaved } from '../lib/saved.ts';
import { useCan } from '../lib/session.tsx';
import { monthGrid, monthName, useZone, weekdayIndex, yearIn } from '../lib/time.tsx';

type Source = 'official' | 'manual' | 'import' | 'weekly';

/** A calendar's year as GET /api/v1/calendars/{code} gives it. */
interface CalendarYear {
  code: string;
  name: string;
  country: string;
  region: string | null;
  timeZone: string;
  hours: Record<string, string[]>;
  official: boolean;
  year: number;
  officialDataKnown: boolean;
  days: { date: string; kind: 'holiday' | 'makeup' | 'workday' | 'weekend'; name: string | null; source: Source; working: boolean }[];
  overrides: { date: string; kind: 'holiday' | 'workday'; name: string; hours: string[] | null; source: 'manual' | 'import' }[];
}

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const kindColour = { holiday: '#ff4d4f', makeup: '#fa8c16', workday: '#1677ff', weekend: undefined } as const;

function Month({ year, month, data, weekly }: { year: number; month: number; data: Map<string, CalendarYear['days'][number]>; weekly: Record<string, string[]> }) {
  const { t, language } = useI18n();
  const title = monthName(year, month, language);
  return (
    <div className="cal-month" data-month={month}>
      <div className="cal-month-title">{title}</div>
      <div className="cal-grid">
        {weekdays.map((d) => <div key={d} className="cal-head">{t(`calendar.wd.${d}`)}</div>)}
        {monthGrid(year, month).map((date, i) => {
          if (!date) return <div key={`pad${i}`} />;
          const special = data.get(date);
          const weekday = weekdays[weekdayIndex(date)]!;
          const off = special ? !special.working : (weekly[weekday] ?? []).length === 0;
          const colour = special ? kindColour[special.kind] : undefined;
          const cell = (
            <div className={`cal-day${off ? ' cal-off' : ''}${special ? ` cal-${special.kind}` : ''}`} style={colour ? { background: colour, color: '#fff' } : undefined}
              data-date={date} data-kind={special?.kind ?? (off ? 'weekend' : 'workday')}>
              {Number(date.slice(8))}
            </div>
          );
          return special ? <Tooltip key={date} title={`${special.name ?? ''} · ${t(`calendar.kind.${special.kind}`)} · ${t(`calendar.source.${special.source}`)}`}>{cell}</Tooltip> : <div key={date}>{cell}</div>;
        })}
      </div>
    </div>
  );
}

/** Business calendars: each year's working days, official holidays and 调休, days set by hand, and imports. */
export function Calendars() {
  const { t } = useI18n();
  const saved = useSaved();
  const isAdmin = useCan('admin');
  const canSetDays = useCan('admin', 'ops');
  const list = useQuery({ queryKey: ['calendars'], queryFn: () => api<{ items: { code: string; name: string }[] }>('/api/v1/calendars') });
  const [code, setCode] = useState<string | null>(null);
  const { zone } = useZone();
  const [year, setYear] = useState(() => yearIn(zone));
  const [dayOpen, setDayOpen] = useState(false);
  const [adding, setAdding] = useState(false);
  const [dayForm] = Form.useForm<{ date: string; kind: 'holiday' | 'workday'; name: string; hours?: string }>();
  const [addForm] = Form.useForm<{ code: string; name: string; country: string; region?: string }>();
  useEffect(() => {
    if (!code && list.data?.items.length) setCode(list.data.items[0]!.code);
  }, [code, list.data]);
  const detail = useQuery({
    queryKey: ['calendar', code, year], enabled: code !== null,
    queryFn: () => api<CalendarYear>(`/api/v1/calendars/${encodeURIComponent(code!)}?year=${year}`),
  });
  const setDay = useMutation({
    mutationFn: (v: { date: string; kind: 'holiday' | 'workday'; name: string; hours?: string }) => put(`/api/v1/calendars/${encodeURIComponent(code!)}/days`, {
      days: [{ date: v.date, kind: v.kind, name: v.name, hours: v.hours ? v.hours.split(/[,，\s]+/).filter(Boolean) : null }],
    }),
    ...saved,
    onSuccess: async (...args) => { setDayOpen(false); dayForm.resetFields(); await saved.onSuccess(...args); },
  });
  const removeDay = useMutation({ mutationFn: (date: string) => del(`/api/v1/calendars/${encodeURIComponent(code!)}/days/${date}`), ...saved });
  const importFile = useMutation({
    mutationFn: async (file: File) => post(`/api/v1/calendars/${encodeURIComponent(code!)}/import`, { format: /\.ics$/i.test(file.name) ? 'ical' : 'holiday-cn', content: await file.text() }),
    ...saved,
  });
  const add = useMutation({
    mutationFn: (v: { code: string; name: string; country: string; region?: string }) => post('/api/v1/calendars', { code: v.code, name: v.name, country: v.country.toUpperCase(), ...(v.region ? { region: v.region.toUpperCase() } : {}) }),
    ...saved,
    onSuccess: async (...args) => { setAdding(false); addForm.resetFields(); await saved.onSuccess(...args); },
  });
  const c = detail.data;
  const special = new Map((c?.days ?? []).map((d) => [d.date, d]));
  const counts = { holiday: 0, makeup: 0 };
  for (const d of c?.days ?? []) if (d.kind === 'holiday' || d.kind === 'makeup') counts[d.kind]++;

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="calendars">
      <Space wrap>
        <Select style={{ width: 260 }} value={code ?? undefined} onChange={setCode} placeholder={t('calendar.pick')} data-testid="calendar-pick"
          options={(list.data?.items ?? []).map((x) => ({ value: x.code, label: `${x.code} · ${x.name}` }))} />
        <InputNumber min={2000} max={2099} value={year} onChange={(y) => y && setYear(y)} data-testid="calendar-year" />
        {canSetDays && code ? <Button icon={<PlusOutlined />} onClick={() => setDayOpen(true)} data-testid="calendar-set-day">{t('calendar.setDay')}</Button> : null}
        {isAdmin && code ? (
          <Upload accept=".ics,.json" showUploadList={false} beforeUpload={(file) => { importFile.mutate(file); return false; }}>
            <Button icon={<UploadOutlined />} loading={importFile.isPending} data-testid="calendar-import">{t('calendar.import')}</Button>
          </Upload>
        ) : null}
        {isAdmin ? <Button type="dashed" icon={<PlusOutlined />} onClick={() => setAdding(true)}>{t('calendar.add')}</Button> : null}
      </Space>
      {c && !c.officialDataKnown ? <Alert type="warning" showIcon message={t('calendar.missing', { year: c.year, country: c.country })} data-testid="calendar-missing" /> : null}
      {c ? (
        <>
          <Typography.Text type="secondary">
            {c.country}{c.region ? `-${c.region}` : ''} · {c.timeZone} · {c.official ? t('calendar.official') : t('calendar.notOfficial')} · {t('calendar.counts', { holidays: counts.holiday, makeup: counts.makeup })}
          </Typography.Text>
          <Space size={16} wrap className="cal-legend">
            <span><span className="cal-swatch" style={{ background: kindColour.holiday }} />{t('calendar.kind.holiday')}</span>
            <span><span className="cal-swatch" style={{ background: kindColour.makeup }} />{t('calendar.kind.makeup')}</span>
            <span><span className="cal-swatch" style={{ background: kindColour.workday }} />{t('calendar.kind.workday')}</span>
            <span><span className="cal-swatch cal-off" />{t('calendar.kind.weekend')}</span>
            <span className="muted">{weekdays.map((d) => `${t(`calendar.wd.${d}`)} ${(c.hours[d] ?? []).join(' ') || '—'}`).join(' · ')}</span>
          </Space>
          <div className="cal-year">{Array.from({ length: 12 }, (_, i) => <Month key={i} year={c.year} month={i + 1} data={special} weekly={c.hours} />)}</div>
          <Table size="small" rowKey="date" pagination={false} dataSource={c.overrides.filter((o) => o.date.startsWith(`${c.year}-`))} locale={{ emptyText: t('calendar.noOverrides') }}
            title={() => t('calendar.overrides')}
            columns={[
              { title: t('calendar.date'), dataIndex: 'date', render: (d: string) => <span className="num">{d}</span> },
              { title: t('calendar.kindLabel'), dataIndex: 'kind', render: (k: 'holiday' | 'workday') => <Tag color={k === 'holiday' ? 'red' : 'blue'}>{t(`calendar.kind.${k}`)}</Tag> },
              { title: t('common.name'), dataIndex: 'name' },
              { title: t('calendar.hours'), dataIndex: 'hours', render: (h: string[] | null) => h?.join(', ') ?? '—' },
              { title: t('calendar.sourceLabel'), dataIndex: 'source', render: (s: Source) => t(`calendar.source.${s}`) },
              { title: '', key: 'x', render: (_, o) => (canSetDays ? <Button size="small" type="text" icon={<DeleteOutlined />} onClick={() => removeDay.mutate(o.date)} aria-label={t('calendar.remove')} /> : null) },
            ]} />
        </>
      ) : null}
      <Modal open={dayOpen} title={t('calendar.setDay')} onCancel={() => setDayOpen(false)} onOk={() => dayForm.submit()} confirmLoading={setDay.isPending} destroyOnHidden>
        <Form form={dayForm} layout="vertical" onFinish={(v) => setDay.mutate(v)} initialValues={{ kind: 'holiday' }}>
          <Form.Item name="date" label={t('calendar.date')} rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/ }]}><Input placeholder={`${year}-11-11`} /></Form.Item>
          <Form.Item name="kind" label={t('calendar.kindLabel')}>
            <Radio.Group options={[{ value: 'holiday', label: t('calendar.kind.holiday') }, { value: 'workday', label: t('calendar.kind.workday') }]} />
          </Form.Item>
          <Form.Item name="name" label={t('common.name')} rules={[{ required: true }]}><Input placeholder="双十一加班" /></Form.Item>
          <Form.Item name="hours" label={t('calendar.hours')} extra={t('calendar.hoursHint')}><Input placeholder="08:00-12:00, 13:00-22:00" /></Form.Item>
          {setDay.error ? <Typography.Text type="danger">{(setDay.error as ApiError).message}</Typography.Text> : null}
        </Form>
      </Modal>
      <Modal open={adding} title={t('calendar.add')} onCancel={() => setAdding(false)} onOk={() => addForm.submit()} confirmLoading={add.isPending} destroyOnHidden>
        <Form form={addForm} layout="vertical" onFinish={(v) => add.mutate(v)} initialValues={{ country: 'CN' }}>
          <Form.Item name="code" label={t('common.code')} rules={[{ required: true, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/ }]}><Input placeholder="CN-OFFICE" /></Form.Item>
          <Form.Item name="name" label={t('common.name')} rules={[{ required: true }]}><Input placeholder="客服排班" /></Form.Item>
          <Space>
            <Form.Item name="country" label={t('calendar.country')} rules={[{ required: true, pattern: /^[A-Za-z]{2}$/ }]}><Input style={{ width: 90 }} /></Form.Item>
            <Form.Item name="region" label={t('calendar.region')}><Input placeholder="CA" style={{ width: 110 }} /></Form.Item>
          </Space>
          {add.error ? <Typography.Text type="danger">{(add.error as ApiError).message}</Typography.Text> : null}
        </Form>
      </Modal>
    </Space>
  );
}
