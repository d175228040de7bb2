import { EditOutlined, ExperimentOutlined, HistoryOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Checkbox, Drawer, Form, Input, List, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ActionsEditor } from '../components/ActionsEditor.tsx';
import { ConditionEditor } from '../components/ConditionEditor.tsx';
import { api, ApiError, patch, post } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.tsx';
import { zh, type MessageKey } from '../lib/messages.ts';
import { useCan } from '../lib/session.tsx';
import { useActorName } from '../lib/people.ts';
import { useTime } from '../lib/time.tsx';
import type { Action, Condition, FieldInfo, Page, Priority, Rule } from '../lib/types.ts';

interface Draft {
  id?: string;
  version?: number;
  name: string;
  description: string;
  enabled: boolean;
  stop: boolean;
  condition: Condition;
  actions: Action[];
}

interface DryRun {
  rules: { id: string; name: string; version: number; draft: boolean; matched: boolean; fired: boolean; note?: string }[];
  outcome: { priority: Priority | null; group: string | null; hold: string | null; tags: string[]; alerts: string[]; webhooks: string[]; prefer: string[]; avoid: string[] };
}

const newDraft = (): Draft => ({ name: '', description: '', enabled: true, stop: false, condition: { any: [{ field: 'tags', op: 'contains', value: '' }] }, actions: [{ type: 'set_priority', priority: 'urgent' }] });

interface Words {
  field(name: string): string;
  op(op: string): string;
  and: string;
  or: string;
}

/** A condition in one line of words, for the list. */
function describe(c: Condition, w: Words): string {
  if ('all' in c) return c.all.map((x) => describe(x, w)).join(` ${w.and} `);
  if ('any' in c) return `(${c.any.map((x) => describe(x, w)).join(` ${w.or} `)})`;
  if ('not' in c) return `¬${describe(c.not, w)}`;
  const value = Array.isArray(c.value) ? c.value.join(' / ') : String(c.value);
  return `${w.field(c.field)} ${w.op(c.op)} ${value}`;
}

function actionText(a: Action, t: ReturnType<typeof useI18n>['t']): string {
  const label = t(`action.${a.type}`);
  switch (a.type) {
    case 'set_priority': return `${label}: ${t(`tier.${a.priority}`)}`;
    case 'set_group': return `${label}: ${a.group}`;
    case 'add_tags': return `${label}: ${a.tags.join(', ')}`;
    case 'hold': return `${label}: ${a.reason}`;
    case 'alert': return `${label}: ${a.message}`;
    case 'webhook': return `${label}: ${a.url}`;
    default: return `${label}: ${a.warehouses.join(', ')}`;
  }
}

/** Finds an order by its id or by the channel's order id. */
async function orderIdOf(text: string): Promise<string> {
  const value = text.trim();
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-/.test(value)) return value;
  const found = await api<Page<{ id: string }>>('/api/v1/orders', { query: { channelOrderId: value, limit: 1 } });
  if (!found.items[0]) throw new Error(`no order ${value}`);
  return found.items[0].id;
}

function Editor({ draft, fields, onClose }: { draft: Draft; fields: FieldInfo[]; onClose(): void }) {
  const { t } = useI18n();
  const time = useTime();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [value, setValue] = useState<Draft>(draft);
  const [json, setJson] = useState('');
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [orderRef, setOrderRef] = useState('');
  const actorName = useActorName();
  useEffect(() => setValue(draft), [draft]);
  useEffect(() => setJson(JSON.stringify({ condition: value.condition, actions: value.actions }, null, 2)), [value.condition, value.actions]);
  const history = useQuery({ queryKey: ['rules', draft.id, 'versions'], queryFn: () => api<{ items: { version: number; change: string; name: string; enabled: boolean; savedAt: string; savedBy: string }[] }>(`/api/v1/rules/${draft.id}/versions`), enabled: !!draft.id });
  const save = useMutation({
    mutationFn: () => {
      const body = { name: value.name, description: value.description || null, enabled: value.enabled, stop: value.stop, condition: value.condition, actions: value.actions };
      return draft.id ? patch<Rule>(`/api/v1/rules/${draft.id}`, { ...body, expectedVersion: draft.version }) : post<Rule>('/api/v1/rules', body);
    },
    onSuccess: async () => {
      void message.success(t('rules.saved'));
      await queryClient.invalidateQueries({ queryKey: ['rules'] });
      onClose();
    },
  });
  const test = useMutation({
    mutationFn: async () => post<DryRun>('/api/v1/rules/test', { orderId: await orderIdOf(orderRef), draft: { ...(draft.id ? { id: draft.id } : {}), name: value.name || 'draft', stop: value.stop, condition: value.condition, actions: value.actions } }),
  });
  const problems = (save.error instanceof ApiError ? save.error : test.error instanceof ApiError ? test.error : null);
  const issues = problems && Array.isArray(problems.details) ? (problems.details as { path: string; message: string }[]) : [];
  return (
    <Tabs
      items={[
        {
          key: 'form',
          label: t('common.edit'),
          children: (
            <Space direction="vertical" style={{ width: '100%' }} size={12}>
              <Form layout="vertical">
                <Form.Item label={t('rules.name')} required>
                  <Input value={value.name} onChange={(e) => setValue({ ...value, name: e.target.value })} maxLength={100} data-testid="rule-name" />
                </Form.Item>
                <Form.Item label="description">
                  <Input value={value.description} onChange={(e) => setValue({ ...value, description: e.target.value })} maxLength={500} />
                </Form.Item>
                <Space size={24}>
                  <Space><Switch checked={value.enabled} onChange={(enabled) => setValue({ ...value, enabled })} />{t('common.enabled')}</Space>
                  <Checkbox checked={value.stop} onChange={(e) => setValue({ ...value, stop: e.target.checked })}>{t('rules.stop')}</Checkbox>
                </Space>
              </Form>
              <Card size="small" title={t('rules.when')}>
                <ConditionEditor value={value.condition} fields={fields} onChange={(condition) => setValue({ ...value, condition })} />
              </Card>
              <Card size="small" title={t('rules.then')}>
                <ActionsEditor value={value.actions} onChange={(actions) => setValue({ ...value, actions })} />
              </Card>
              {problems ? (
                <Alert type="error" showIcon message={problems.code === 'RULE_INVALID' ? t('rules.invalid') : problems.message}
                  description={issues.length ? <ul style={{ margin: 0, paddingLeft: 18 }}>{issues.map((i) => <li key={i.path + i.message}><code>{i.path}</code> {i.message}</li>)}</ul> : undefined}
                  data-testid="rule-problems" />
              ) : null}
              <Card size="small" title={<><ExperimentOutlined /> {t('rules.test')}</>}>
                <Space.Compact style={{ width: '100%', marginBottom: 8 }}>
                  <Input placeholder={t('rules.testOrder')} value={orderRef} onChange={(e) => setOrderRef(e.target.value)} data-testid="dry-run-order" />
                  <Button onClick={() => test.mutate()} loading={test.isPending} disabled={!orderRef.trim()} data-testid="dry-run">{t('rules.test')}</Button>
                </Space.Compact>
                {test.error && !(test.error instanceof ApiError) ? <Typography.Text type="danger">{(test.error as Error).message}</Typography.Text> : null}
                {test.data ? (
                  <div data-testid="dry-run-result">
                    {test.data.rules.map((r) => (
                      <div key={r.id}>
                        <Tag color={r.fired ? 'success' : r.matched ? 'warning' : 'default'}>{r.fired || r.matched ? t('rules.matched') : t('rules.notMatched')}</Tag>
                        {r.name} <span className="muted">v{r.version}{r.draft ? ' (draft)' : ''}{r.note ? ` · ${r.note}` : ''}</span>
                      </div>
                    ))}
                    <Typography.Paragraph style={{ marginTop: 8, marginBottom: 0 }}>
                      → {test.data.outcome.priority ? t(`tier.${test.data.outcome.priority}`) : '—'}
                      {test.data.outcome.group ? ` · ${test.data.outcome.group}` : ''}
                      {test.data.outcome.tags.length ? ` · +${test.data.outcome.tags.join(', ')}` : ''}
                      {test.data.outcome.hold ? ` · ⏸ ${test.data.outcome.hold}` : ''}
                    </Typography.Paragraph>
                  </div>
                ) : null}
              </Card>
              <Space>
                <Button type="primary" onClick={() => save.mutate()} loading={save.isPending} disabled={!value.name.trim()} data-testid="rule-save">{t('common.save')}</Button>
                <Button onClick={onClose}>{t('common.cancel')}</Button>
              </Space>
            </Space>
          ),
        },
        {
          key: 'json',
          label: t('rules.json'),
          children: (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Input.TextArea value={json} rows={20} style={{ fontFamily: 'ui-monospace, monospace', fontSize: 12 }}
                onChange={(e) => {
                  setJson(e.target.value);
                  try {
                    const parsed = JSON.parse(e.target.value) as { condition: Condition; actions: Action[] };
                    setJsonError(null);
                    setValue({ ...value, condition: parsed.condition, actions: parsed.actions });
                  } catch (error) {
                    setJsonError((error as Error).message);
                  }
                }} />
              {jsonError ? <Typography.Text type="danger">{jsonError}</Typography.Text> : null}
            </Space>
          ),
        },
        ...(draft.id ? [{
          key: 'history',
          label: <><HistoryOutlined /> {t('rules.history')}</>,
          children: (
            <List size="small" dataSource={history.data?.items ?? []} loading={history.isPending}
              renderItem={(v) => (
                <List.Item>
                  <Space><Tag>v{v.version}</Tag><b>{v.change}</b>{v.name}{v.enabled ? null : <Tag>{t('common.disabled')}</Tag>}</Space>
                  <span className="muted">{time.full(v.savedAt)} · {actorName(v.savedBy)}</span>
                </List.Item>
              )} />
          ),
        }] : []),
      ]}
    />
  );
}

export function RulesPage() {
  const { t, language } = useI18n();
  const time = useTime();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const canEdit = useCan('admin', 'ops');
  const [editing, setEditing] = useState<Draft | null>(null);
  const rules = useQuery({ queryKey: ['rules'], queryFn: () => api<{ version: number; items: Rule[] }>('/api/v1/rules') });
  const fields = useQuery({ queryKey: ['rules', 'fields'], queryFn: () => api<{ items: FieldInfo[] }>('/api/v1/rules/fields'), staleTime: Infinity });
  const labels = new Map((fields.data?.items ?? []).map((f) => [f.name, language === 'en' ? f.label.en : f.label.zh]));
  const words: Words = {
    field: (name) => labels.get(name) ?? name,
    op: (o) => (`op.${o}` in zh ? t(`op.${o}` as MessageKey) : o),
    and: language === 'en' ? 'and' : '且',
    or: language === 'en' ? 'or' : '或',
  };
  const toggle = useMutation({
    mutationFn: (r: Rule) => patch(`/api/v1/rules/${r.id}`, { enabled: !r.enabled, expectedVersion: r.version }),
    onSuccess: async () => {
      void message.success(t('rules.saved'));
      await queryClient.invalidateQueries({ queryKey: ['rules'] });
    },
    onError: (e) => void message.error((e as Error).message),
  });
  const edit = (r: Rule) => setEditing({ id: r.id, version: r.version, name: r.name, description: r.description ?? '', enabled: r.enabled, stop: r.stop, condition: r.condition, actions: r.actions });
  return (
    <div className="page">
      <div className="page-title">
        <h2>{t('rules.title')}</h2>
        <Space>
          <Typography.Text type="secondary">{t('rules.version')} {rules.data?.version}</Typography.Text>
          {canEdit ? <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(newDraft())} data-testid="rule-add">{t('rules.add')}</Button> : null}
        </Space>
      </div>
      <Card size="small">
        <Table<Rule> size="small" rowKey="id" pagination={false} dataSource={rules.data?.items ?? []} loading={rules.isPending}
          onRow={(r) => ({ 'data-rule-id': r.id, 'data-rule-name': r.name }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: '#', dataIndex: 'position', width: 44 },
            { title: t('rules.name'), dataIndex: 'name', width: 220, render: (n: string, r) => <Space direction="vertical" size={0}><b>{n}</b>{r.description ? <span className="muted" style={{ fontSize: 12 }}>{r.description}</span> : null}</Space> },
            { title: t('rules.when'), key: 'when', render: (_: unknown, r) => <Typography.Text style={{ fontSize: 12 }}>{describe(r.condition, words)}</Typography.Text> },
            { title: t('rules.then'), key: 'then', width: 260, render: (_: unknown, r) => r.actions.map((a, i) => <Tag key={i} color="blue">{actionText(a, t)}</Tag>) },
            { title: t('rules.runs'), dataIndex: 'runs', width: 90, render: (v: Rule['runs']) => t(`rules.${v}`) },
            { title: t('rules.version'), dataIndex: 'version', width: 140, render: (v: number, r) => <span className="muted">v{v} · {time.short(r.updatedAt)}</span> },
            { title: t('common.enabled'), dataIndex: 'enabled', width: 70, render: (_: unknown, r) => <Switch size="small" checked={r.enabled} disabled={!canEdit} onChange={() => toggle.mutate(r)} /> },
            { title: '', key: 'edit', width: 60, render: (_: unknown, r) => <Button size="small" type="link" icon={<EditOutlined />} onClick={() => edit(r)} data-testid="rule-edit" /> },
          ]} />
      </Card>
      <Drawer open={editing !== null} width={760} title={editing?.id ? editing.name : t('rules.add')} onClose={() => setEditing(null)} destroyOnHidden>
        {editing ? <Editor draft={editing} fields={fields.data?.items ?? []} onClose={() => setEditing(null)} /> : null}
      </Drawer>
    </div>
  );
}
