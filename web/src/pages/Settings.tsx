import { CopyOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { channelName } from '../components/tags.tsx';
import { api, ApiError, del, patch, post, put } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.tsx';
import { useCan } from '../lib/session.tsx';
import { useActorName } from '../lib/people.ts';
import { useTime } from '../lib/time.tsx';
import { useSaved } from '../lib/saved.ts';
import { Calendars } from './Calendars.tsx';
import { priorities, type Person, type Priority, type Tier } from '../lib/types.ts';

const roles = ['admin', 'ops', 'agent', 'supervisor', 'viewer'];
const colours = ['red', 'orange', 'gold', 'blue', 'green', 'default'];

interface ShopForm { id: string; channel: string; name: string; channelShopId: string; appKey: string; appSecret: string; accessToken?: string; apiBaseUrl?: string }

function Shops() {
  const { t, language } = useI18n();
  const time = useTime();
  const saved = useSaved();
  const isAdmin = useCan('admin');
  const [adding, setAdding] = useState(false);
  const [form] = Form.useForm<ShopForm>();
  const shops = useQuery({ queryKey: ['shops'], queryFn: () => api<{ items: { id: string; channel: string; name: string; channelShopId: string; active: boolean; webhookPath: string; createdAt: string }[] }>('/api/v1/shops') });
  const toggle = useMutation({ mutationFn: (s: { id: string; active: boolean }) => patch(`/api/v1/shops/${s.id}`, { active: !s.active }), ...saved });
  const add = useMutation({
    mutationFn: (v: ShopForm) => post('/api/v1/shops', {
      id: v.id, channel: v.channel, name: v.name, channelShopId: v.channelShopId,
      credentials: { appKey: v.appKey, appSecret: v.appSecret, ...(v.accessToken ? { accessToken: v.accessToken } : {}) },
      ...(v.apiBaseUrl ? { apiBaseUrl: v.apiBaseUrl } : {}),
    }),
    ...saved,
    onSuccess: async (...args) => { setAdding(false); form.resetFields(); await saved.onSuccess(...args); },
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {isAdmin ? <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="shop-add">{t('settings.addShop')}</Button> : null}
      <Table size="small" rowKey="id" pagination={false} dataSource={shops.data?.items ?? []} loading={shops.isPending}
        columns={[
          { title: 'ID', dataIndex: 'id' },
          { title: t('board.channel'), dataIndex: 'channel', render: (c: string) => channelName(c, language) },
          { title: t('common.name'), dataIndex: 'name' },
          { title: t('settings.channelShopId'), dataIndex: 'channelShopId' },
          { title: 'webhook', dataIndex: 'webhookPath', render: (p: string) => <Typography.Text code copyable style={{ fontSize: 12 }}>{p}</Typography.Text> },
          { title: t('common.time'), dataIndex: 'createdAt', render: (v: string) => time.short(v) },
          { title: t('settings.active'), dataIndex: 'active', render: (a: boolean, s) => <Switch size="small" checked={a} disabled={!isAdmin} onChange={() => toggle.mutate(s)} /> },
        ]} />
      <Modal open={adding} title={t('settings.addShop')} onCancel={() => setAdding(false)} onOk={() => form.submit()} confirmLoading={add.isPending} destroyOnHidden width={620}>
        <Form form={form} layout="vertical" onFinish={(v) => add.mutate(v)} initialValues={{ channel: 'taobao' }}>
          <Space.Compact block>
            <Form.Item name="channel" label={t('board.channel')} rules={[{ required: true }]} style={{ width: 160 }}>
              <Select options={['taobao', 'jd', 'pdd', 'douyin'].map((c) => ({ value: c, label: channelName(c, language) }))} />
            </Form.Item>
            <Form.Item name="id" label="ID" rules={[{ required: true, pattern: /^[a-z0-9][a-z0-9-]{0,39}$/ }]} style={{ flex: 1 }}><Input placeholder="tb-flagship" /></Form.Item>
          </Space.Compact>
          <Form.Item name="name" label={t('common.name')} rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="channelShopId" label={t('settings.channelShopId')} rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="appKey" label="App key" rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="appSecret" label="App secret" rules={[{ required: true }]}><Input.Password autoComplete="off" /></Form.Item>
          <Form.Item name="accessToken" label="Access token"><Input.Password autoComplete="off" /></Form.Item>
          <Form.Item name="apiBaseUrl" label={t('settings.apiBaseUrl')}><Input placeholder="https://…" /></Form.Item>
          {add.error ? <Typography.Text type="danger">{(add.error as ApiError).message}</Typography.Text> : null}
        </Form>
      </Modal>
    </Space>
  );
}

interface WarehouseForm { code: string; name: string; timeZone?: string; country?: string; region?: string; calendar?: string; priority: number; divisionCode?: string; coverage?: string[]; dailyCapacity?: number | null; cutOff?: string }

function Warehouses() {
  const { t } = useI18n();
  const saved = useSaved();
  const isAdmin = useCan('admin');
  const [adding, setAdding] = useState(false);
  const [form] = Form.useForm<WarehouseForm>();
  const warehouses = useQuery({ queryKey: ['warehouses'], queryFn: () => api<{ items: { code: string; name: string; timeZone: string; country: string | null; region: string | null; calendar: string | null; priority: number; active: boolean; isDefault: boolean; dailyCapacity: number | null; cutOff: string | null; wms: { protocol: string; url: string } | null }[] }>('/api/v1/warehouses') });
  const calendars = useQuery({ queryKey: ['calendars'], queryFn: () => api<{ items: { code: string; name: string }[] }>('/api/v1/calendars') });
  const calendarOptions = [{ value: '', label: t('calendar.none') }, ...(calendars.data?.items ?? []).map((c) => ({ value: c.code, label: `${c.code} · ${c.name}` }))];
  const change = useMutation({ mutationFn: ({ code, body }: { code: string; body: object }) => patch(`/api/v1/warehouses/${code}`, body), ...saved });
  const add = useMutation({
    mutationFn: (v: WarehouseForm) => post('/api/v1/warehouses', {
      code: v.code, name: v.name, priority: v.priority,
      ...(v.timeZone ? { timeZone: v.timeZone } : {}), ...(v.country ? { country: v.country.toUpperCase() } : {}), ...(v.region ? { region: v.region.toUpperCase() } : {}),
      ...(v.calendar ? { calendar: v.calendar } : {}),
      ...(v.divisionCode ? { location: { divisionCode: v.divisionCode } } : {}),
      coverage: v.coverage ?? [], dailyCapacity: v.dailyCapacity ?? null, ...(v.cutOff ? { cutOff: v.cutOff } : {}),
    }),
    ...saved,
    onSuccess: async (...args) => { setAdding(false); form.resetFields(); await saved.onSuccess(...args); },
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {isAdmin ? <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="warehouse-add">{t('settings.addWarehouse')}</Button> : null}
      <Table size="small" rowKey="code" pagination={false} dataSource={warehouses.data?.items ?? []} loading={warehouses.isPending}
        columns={[
          { title: t('common.code'), dataIndex: 'code', render: (c: string, w) => <Space>{c}{w.isDefault ? <Tag color="blue">default</Tag> : null}</Space> },
          { title: t('common.name'), dataIndex: 'name' },
          { title: t('settings.timeZone'), dataIndex: 'timeZone', render: (z: string, w) => <><div>{z}</div>{w.country ? <div className="muted" style={{ fontSize: 12 }}>{[w.country, w.region].filter(Boolean).join(' · ')}</div> : null}</> },
          {
            title: t('calendar.tab'), dataIndex: 'calendar', render: (c: string | null, w) => (isAdmin
              ? <Select size="small" style={{ width: 170 }} value={c ?? ''} options={calendarOptions} onChange={(v) => change.mutate({ code: w.code, body: { calendar: v || null } })} data-testid={`warehouse-calendar-${w.code}`} />
              : c ?? t('calendar.none')),
          },
          { title: t('settings.priority'), dataIndex: 'priority', align: 'right', render: (p: number, w) => (isAdmin ? <InputNumber size="small" min={0} max={10000} defaultValue={p} onBlur={(e) => { const n = Number(e.target.value); if (Number.isInteger(n) && n !== p) change.mutate({ code: w.code, body: { priority: n } }); }} /> : p) },
          { title: t('settings.cutOff'), dataIndex: 'cutOff' },
          { title: t('settings.capacity'), dataIndex: 'dailyCapacity', align: 'right', render: (c: number | null) => c ?? '∞' },
          { title: 'WMS', dataIndex: 'wms', render: (w: { protocol: string; url: string } | null) => (w ? <span><Tag>{w.protocol}</Tag><span className="muted" style={{ fontSize: 12 }}>{w.url}</span></span> : '—') },
          { title: t('settings.active'), dataIndex: 'active', render: (a: boolean, w) => <Switch size="small" checked={a} disabled={!isAdmin} onChange={() => change.mutate({ code: w.code, body: { active: !a } })} /> },
        ]} />
      <Modal open={adding} title={t('settings.addWarehouse')} onCancel={() => setAdding(false)} onOk={() => form.submit()} confirmLoading={add.isPending} destroyOnHidden width={620}>
        <Form form={form} layout="vertical" onFinish={(v) => add.mutate(v)} initialValues={{ country: 'CN', priority: 100 }}>
          <Form.Item name="code" label={t('common.code')} rules={[{ required: true, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/ }]}><Input placeholder="NJ01" /></Form.Item>
          <Form.Item name="name" label={t('common.name')} rules={[{ required: true }]}><Input placeholder="华东南京仓" /></Form.Item>
          <Space>
            <Form.Item name="country" label={t('calendar.country')} rules={[{ pattern: /^[A-Za-z]{2}$/ }]}><Input placeholder="CN" style={{ width: 90 }} /></Form.Item>
            <Form.Item name="region" label={t('calendar.region')} rules={[{ pattern: /^[A-Za-z0-9-]{1,6}$/ }]}><Input placeholder="CA, NSW" style={{ width: 110 }} /></Form.Item>
            <Form.Item name="timeZone" label={t('settings.timeZone')} extra={t('settings.zoneFromPack')}><Input placeholder="America/Los_Angeles" style={{ width: 220 }} /></Form.Item>
          </Space>
          <Form.Item name="calendar" label={t('calendar.tab')}><Select options={calendarOptions} /></Form.Item>
          <Form.Item name="priority" label={t('settings.priority')}><InputNumber min={0} max={10000} /></Form.Item>
          <Form.Item name="divisionCode" label={t('settings.divisionCode')} rules={[{ pattern: /^\d{6}$/ }]}><Input placeholder="320100" /></Form.Item>
          <Form.Item name="coverage" label={t('settings.coverage')}><Select mode="tags" tokenSeparators={[',', ' ']} placeholder="CN, 310000, 320000" /></Form.Item>
          <Space>
            <Form.Item name="dailyCapacity" label={t('settings.capacity')}><InputNumber min={0} /></Form.Item>
            <Form.Item name="cutOff" label={t('settings.cutOff')} rules={[{ pattern: /^([01]\d|2[0-3]):[0-5]\d$/ }]}><Input placeholder="16:00" /></Form.Item>
          </Space>
          {add.error ? <Typography.Text type="danger">{(add.error as ApiError).message}</Typography.Text> : null}
        </Form>
      </Modal>
    </Space>
  );
}

function People() {
  const { t } = useI18n();
  const saved = useSaved();
  const { modal } = App.useApp();
  const isAdmin = useCan('admin');
  const [adding, setAdding] = useState(false);
  const [groupOpen, setGroupOpen] = useState(false);
  const [form] = Form.useForm<{ login: string; displayName: string; role: string; password?: string }>();
  const [groupForm] = Form.useForm<{ code: string; name: string }>();
  const people = useQuery({ queryKey: ['people'], queryFn: () => api<{ items: Person[] }>('/api/v1/people') });
  const groups = useQuery({ queryKey: ['groups'], queryFn: () => api<{ items: { code: string; name: string; members: string[] }[] }>('/api/v1/groups') });
  const add = useMutation({ mutationFn: (v: object) => post('/api/v1/people', v), ...saved, onSuccess: async (...args) => { setAdding(false); form.resetFields(); await saved.onSuccess(...args); } });
  const addGroup = useMutation({ mutationFn: (v: object) => post('/api/v1/groups', v), ...saved, onSuccess: async (...args) => { setGroupOpen(false); groupForm.resetFields(); await saved.onSuccess(...args); } });
  const change = useMutation({ mutationFn: ({ id, body }: { id: string; body: object }) => patch(`/api/v1/people/${id}`, body), ...saved });
  const members = useMutation({ mutationFn: ({ code, ids }: { code: string; ids: string[] }) => put(`/api/v1/groups/${code}/members`, { members: ids }), ...saved });
  const link = useMutation({
    mutationFn: (id: string) => post<{ path: string }>(`/api/v1/people/${id}/login-link`),
    onSuccess: (r) => modal.info({ title: t('settings.loginLink'), width: 640, content: <Typography.Paragraph copyable code>{window.location.origin + r.path}</Typography.Paragraph> }),
  });
  const personOptions = (people.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.displayName} (${p.login})` }));
  return (
    <Space direction="vertical" style={{ width: '100%' }} size={16}>
      <Card size="small" title={t('settings.people')} extra={isAdmin ? <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding(true)}>{t('settings.addPerson')}</Button> : null}>
        <Table<Person> size="small" rowKey="id" pagination={false} dataSource={people.data?.items ?? []} loading={people.isPending}
          columns={[
            { title: t('login.login'), dataIndex: 'login' },
            { title: t('common.name'), dataIndex: 'displayName' },
            { title: t('settings.role'), dataIndex: 'role', render: (r: string, p) => (isAdmin ? <Select size="small" value={r} style={{ width: 120 }} onChange={(role) => change.mutate({ id: p.id, body: { role } })} options={roles.map((x) => ({ value: x, label: x }))} /> : r) },
            { title: t('board.group'), dataIndex: 'groups', render: (g: string[]) => g.map((c) => <Tag key={c}>{c}</Tag>) },
            { title: t('common.status'), dataIndex: 'disabledAt', render: (d: string | null, p) => <Switch size="small" checked={!d} disabled={!isAdmin} onChange={(on) => change.mutate({ id: p.id, body: { disabled: !on } })} /> },
            { title: '', key: 'link', render: (_: unknown, p) => (isAdmin && !p.disabledAt ? <Button size="small" icon={<CopyOutlined />} onClick={() => link.mutate(p.id)}>{t('settings.loginLink')}</Button> : null) },
          ]} />
      </Card>
      <Card size="small" title={t('board.group')} extra={isAdmin ? <Button size="small" icon={<PlusOutlined />} onClick={() => setGroupOpen(true)}>{t('settings.addGroup')}</Button> : null}>
        <Table size="small" rowKey="code" pagination={false} dataSource={groups.data?.items ?? []}
          columns={[
            { title: t('common.code'), dataIndex: 'code' },
            { title: t('common.name'), dataIndex: 'name' },
            { title: t('settings.members'), dataIndex: 'members', render: (m: string[], g) => <Select mode="multiple" size="small" style={{ minWidth: 280 }} value={m} options={personOptions} onChange={(ids: string[]) => members.mutate({ code: g.code, ids })} /> },
          ]} />
      </Card>
      <Modal open={adding} title={t('settings.addPerson')} onCancel={() => setAdding(false)} onOk={() => form.submit()} confirmLoading={add.isPending} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={(v) => add.mutate({ ...v, password: v.password || undefined })} initialValues={{ role: 'ops' }}>
          <Form.Item name="login" label={t('login.login')} rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="displayName" label={t('common.name')} rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="role" label={t('settings.role')}><Select options={roles.map((x) => ({ value: x, label: x }))} /></Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ min: 8 }]}><Input.Password autoComplete="new-password" /></Form.Item>
          {add.error ? <Typography.Text type="danger">{(add.error as ApiError).message}</Typography.Text> : null}
        </Form>
      </Modal>
      <Modal open={groupOpen} title={t('settings.addGroup')} onCancel={() => setGroupOpen(false)} onOk={() => groupForm.submit()} confirmLoading={addGroup.isPending} destroyOnHidden>
        <Form form={groupForm} layout="vertical" onFinish={(v) => addGroup.mutate(v)}>
          <Form.Item name="code" label={t('common.code')} rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="name" label={t('common.name')} rules={[{ required: true }]}><Input /></Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}

function Keys() {
  const { t } = useI18n();
  const time = useTime();
  const saved = useSaved();
  const [issued, setIssued] = useState<string | null>(null);
  const actorName = useActorName();
  const [form] = Form.useForm<{ name: string; role: string }>();
  const keys = useQuery({ queryKey: ['keys'], queryFn: () => api<{ items: { id: string; name: string; role: string; createdAt: string; createdBy: string; revokedAt: string | null }[] }>('/api/v1/keys') });
  const create = useMutation({ mutationFn: (v: object) => post<{ key: string }>('/api/v1/keys', v), onSuccess: async (r, ...rest) => { setIssued(r.key); form.resetFields(); await saved.onSuccess(r, ...rest); }, onError: saved.onError });
  const revoke = useMutation({ mutationFn: (id: string) => del(`/api/v1/keys/${id}`), ...saved });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Form form={form} layout="inline" onFinish={(v) => create.mutate(v)} initialValues={{ role: 'ops' }}>
        <Form.Item name="name" rules={[{ required: true }]}><Input placeholder={t('common.name')} /></Form.Item>
        <Form.Item name="role"><Select style={{ width: 120 }} options={roles.map((x) => ({ value: x, label: x }))} /></Form.Item>
        <Button htmlType="submit" type="primary" icon={<PlusOutlined />} loading={create.isPending}>{t('settings.newKey')}</Button>
      </Form>
      {issued ? <Alert type="success" showIcon closable onClose={() => setIssued(null)} message={t('settings.keyShown')} description={<Typography.Text code copyable>{issued}</Typography.Text>} /> : null}
      <Table size="small" rowKey="id" pagination={false} dataSource={keys.data?.items ?? []} loading={keys.isPending}
        columns={[
          { title: t('common.name'), dataIndex: 'name' },
          { title: t('settings.role'), dataIndex: 'role' },
          { title: t('common.time'), dataIndex: 'createdAt', render: (v: string) => time.short(v) },
          { title: t('settings.createdBy'), dataIndex: 'createdBy', render: (v: string) => actorName(v) },
          { title: t('common.status'), dataIndex: 'revokedAt', render: (v: string | null, k) => (v ? <Tag>{time.short(v)}</Tag> : (
            <Popconfirm title={t('settings.revokeConfirm', { name: k.name })} okButtonProps={{ danger: true }} onConfirm={() => { setIssued(null); revoke.mutate(k.id); }}>
              <Button size="small" danger>{t('settings.revoke')}</Button>
            </Popconfirm>
          )) },
        ]} />
    </Space>
  );
}

function Tiers() {
  const { t } = useI18n();
  const saved = useSaved();
  const isAdmin = useCan('admin');
  const tiers = useQuery({ queryKey: ['tiers'], queryFn: () => api<Record<Priority, Tier>>('/api/v1/settings/tiers') });
  const [edits, setEdits] = useState<Partial<Record<Priority, Partial<Tier>>>>({});
  const save = useMutation({ mutationFn: () => put('/api/v1/settings/tiers', edits), ...saved, onSuccess: async (...a) => { setEdits({}); await saved.onSuccess(...a); } });
  const rows = priorities.map((p) => ({ tier: p, ...tiers.data?.[p], ...edits[p] }));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Table size="small" rowKey="tier" pagination={false} dataSource={rows} loading={tiers.isPending}
        columns={[
          { title: t('board.tier'), dataIndex: 'tier', render: (p: Priority) => t(`tier.${p}`) },
          { title: t('settings.window'), dataIndex: 'windowMinutes', render: (v: number, r) => <InputNumber min={1} max={43200} value={v} disabled={!isAdmin} onChange={(n) => setEdits({ ...edits, [r.tier]: { ...edits[r.tier], windowMinutes: n ?? 1 } })} data-testid={`tier-window-${r.tier}`} /> },
          { title: t('settings.colour'), dataIndex: 'colour', render: (v: string, r) => <Select value={v} disabled={!isAdmin} style={{ width: 120 }} onChange={(colour) => setEdits({ ...edits, [r.tier]: { ...edits[r.tier], colour } })} options={colours.map((c) => ({ value: c, label: <Tag color={c === 'default' ? undefined : c}>{c}</Tag> }))} /> },
        ]} />
      {isAdmin ? <Button type="primary" disabled={Object.keys(edits).length === 0} loading={save.isPending} onClick={() => save.mutate()}>{t('common.save')}</Button> : null}
    </Space>
  );
}

export function SettingsPage() {
  const { t } = useI18n();
  const isAdmin = useCan('admin');
  const supervisor = useCan('admin', 'supervisor');
  return (
    <div className="page">
      <div className="page-title"><h2>{t('settings.title')}</h2></div>
      <Card size="small">
        <Tabs items={[
          { key: 'tiers', label: t('settings.tiers'), children: <Tiers /> },
          { key: 'shops', label: t('settings.shops'), children: <Shops /> },
          { key: 'warehouses', label: t('settings.warehouses'), children: <Warehouses /> },
          { key: 'calendars', label: t('calendar.tab'), children: <Calendars /> },
          ...(supervisor ? [{ key: 'people', label: t('settings.people'), children: <People /> }] : []),
          ...(isAdmin ? [{ key: 'keys', label: t('settings.keys'), children: <Keys /> }] : []),
        ]} />
      </Card>
    </div>
  );
}
