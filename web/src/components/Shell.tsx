import {
  AlertOutlined, AppstoreOutlined, DashboardOutlined, DatabaseOutlined, HeartOutlined, LogoutOutlined, KeyOutlined,
  NodeIndexOutlined, SettingOutlined, UserOutlined, GlobalOutlined, ClockCircleOutlined,
} from '@ant-design/icons';
import { App, Badge, Button, Dropdown, Form, Input, Layout, Menu, Modal, Select, Space, Tag, Typography } from 'antd';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { api, ApiError, del, put, setCsrfToken } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.tsx';
import { useLiveFeed } from '../lib/live.ts';
import { useSession, useSignedOut } from '../lib/session.tsx';
import { browserZone, commonZones, offsetLabel, useZone } from '../lib/time.tsx';
import type { Session } from '../lib/types.ts';

const { Sider, Content } = Layout;

function PasswordDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const [form] = Form.useForm<{ currentPassword?: string; password: string }>();
  const change = useMutation({
    mutationFn: (values: { currentPassword?: string; password: string }) => put<Session>('/api/v1/session/password', values),
    onSuccess: (next) => {
      setCsrfToken(next.csrfToken);
      void message.success(t('password.changed'));
      form.resetFields();
      onClose();
    },
  });
  return (
    <Modal open={open} title={t('nav.password')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={change.isPending} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={(v) => change.mutate(v)}>
        {session.person?.hasPassword ? (
          <Form.Item name="currentPassword" label={t('password.current')} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
        ) : null}
        <Form.Item name="password" label={t('password.new')} rules={[{ required: true, min: 8 }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        {change.error ? <Typography.Text type="danger">{(change.error as ApiError).message}</Typography.Text> : null}
      </Form>
    </Modal>
  );
}

/** The frame of every signed-in page: menu, tenant, live state, zone, language, person. */
export function Shell({ children }: { children: ReactNode }) {
  const { t, language, setLanguage } = useI18n();
  const { zone, setZone } = useZone();
  const session = useSession();
  const location = useLocation();
  const signedOut = useSignedOut();
  const live = useLiveFeed(true);
  const [passwordOpen, setPasswordOpen] = useState(false);
  const openAlerts = useQuery({
    queryKey: ['alerts', 'counts'],
    queryFn: () => api<{ total: number }>('/api/v1/alerts/counts'),
    refetchInterval: 30_000,
  });
  const section = '/' + (location.pathname.split('/')[1] || 'board');
  const selected = section === '/orders' ? '/board' : section;
  const items = [
    { key: '/overview', icon: <DashboardOutlined />, label: <Link to="/overview">{t('nav.overview')}</Link> },
    { key: '/board', icon: <AppstoreOutlined />, label: <Link to="/board">{t('nav.board')}</Link> },
    { key: '/inventory', icon: <DatabaseOutlined />, label: <Link to="/inventory">{t('nav.inventory')}</Link> },
    { key: '/scorecards', icon: <HeartOutlined />, label: <Link to="/scorecards">{t('nav.scorecards')}</Link> },
    {
      key: '/alerts',
      icon: <AlertOutlined />,
      label: (
        <Link to="/alerts">
          {t('nav.alerts')} <Badge count={openAlerts.data?.total ?? 0} size="small" offset={[6, -2]} />
        </Link>
      ),
    },
    { key: '/rules', icon: <NodeIndexOutlined />, label: <Link to="/rules">{t('nav.rules')}</Link> },
    { key: '/settings', icon: <SettingOutlined />, label: <Link to="/settings">{t('nav.settings')}</Link> },
  ];
  const zones = [...new Set([browserZone, zone, ...commonZones])];
  const logout = async () => {
    await del('/api/v1/session').catch(() => undefined);
    signedOut();
  };
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider width={208} theme="dark" breakpoint="lg" collapsedWidth={64}>
        <div className="brand">
          <img src="/favicon.svg" alt="" />
          <span>{t('app.name')}</span>
        </div>
        <Menu theme="dark" mode="inline" selectedKeys={[selected]} items={items} />
      </Sider>
      <Layout>
        <div className="topbar">
          <Space size={10}>
            <Typography.Text strong>{session.tenantName}</Typography.Text>
            {session.isDemo ? <Tag color="purple">{t('app.demo')}</Tag> : null}
            <span data-testid="live-state" data-live={live ? 'on' : 'off'}>
              <span className={`live-dot ${live ? 'live-on' : 'live-off'}`} />
              <Typography.Text type="secondary">{live ? t('live.on') : t('live.off')}</Typography.Text>
            </span>
          </Space>
          <div className="right">
            <Space size={4}>
              <ClockCircleOutlined className="muted" />
              <Select
                size="small"
                variant="borderless"
                value={zone}
                onChange={setZone}
                popupMatchSelectWidth={false}
                data-testid="zone"
                options={zones.map((z) => ({ value: z, label: `${z} (${offsetLabel(z)})` }))}
                aria-label={t('nav.zone')}
              />
            </Space>
            <Button size="small" icon={<GlobalOutlined />} onClick={() => setLanguage(language === 'en' ? 'zh-CN' : 'en')} data-testid="language">
              {t('nav.language')}
            </Button>
            <Dropdown
              menu={{
                items: [
                  { key: 'password', icon: <KeyOutlined />, label: t('nav.password'), disabled: !session.person, onClick: () => setPasswordOpen(true) },
                  { key: 'logout', icon: <LogoutOutlined />, label: t('nav.logout'), onClick: () => void logout() },
                ],
              }}
            >
              <Button size="small" type="text" icon={<UserOutlined />} data-testid="person">
                {session.person?.displayName ?? session.role}
              </Button>
            </Dropdown>
          </div>
        </div>
        <Content>{children}</Content>
      </Layout>
      {session.person ? <PasswordDialog open={passwordOpen} onClose={() => setPasswordOpen(false)} /> : null}
    </Layout>
  );
}
