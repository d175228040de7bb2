import { LockOutlined, UserOutlined, ApartmentOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Space } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError, post, setCsrfToken } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.tsx';
import type { Session } from '../lib/types.ts';

interface LoginForm {
  tenant: string;
  login: string;
  password: string;
}

export function LoginPage() {
  const { t, language, setLanguage } = useI18n();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const signIn = useMutation({
    mutationFn: (values: LoginForm) => post<Session>('/api/v1/session', values),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      queryClient.clear();
      navigate('/board', { replace: true });
    },
  });
  const error = signIn.error instanceof ApiError ? (signIn.error.code === 'LOGIN_FAILED' ? t('login.failed') : signIn.error.message) : null;
  return (
    <div className="login-wrap">
      <div>
        <div className="login-brand">
          <img src="/favicon.svg" width={44} height={44} alt="" />
          <h1>{t('app.name')}</h1>
          <p>{t('login.tagline')}</p>
        </div>
        <Card className="login-card" title={t('login.title')} extra={<Button type="link" size="small" onClick={() => setLanguage(language === 'en' ? 'zh-CN' : 'en')}>{t('nav.language')}</Button>}>
          <Space direction="vertical" style={{ width: '100%' }} size={12}>
            {params.get('error') === 'link' ? <Alert type="warning" showIcon message={t('login.link')} /> : null}
            {error ? <Alert type="error" showIcon message={error} data-testid="login-error" /> : null}
            <Form<LoginForm> layout="vertical" initialValues={{ tenant: localStorage.getItem('oms.tenant') ?? 'default' }} onFinish={(v) => signIn.mutate(v)} requiredMark={false}>
              <Form.Item name="tenant" label={t('login.tenant')} rules={[{ required: true }]}>
                <Input prefix={<ApartmentOutlined />} name="tenant" autoComplete="organization" />
              </Form.Item>
              <Form.Item name="login" label={t('login.login')} rules={[{ required: true }]}>
                <Input prefix={<UserOutlined />} name="login" autoComplete="username" autoFocus />
              </Form.Item>
              <Form.Item name="password" label={t('login.password')} rules={[{ required: true }]}>
                <Input.Password prefix={<LockOutlined />} name="password" autoComplete="current-password" />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={signIn.isPending} data-testid="login-submit">
                {t('login.submit')}
              </Button>
            </Form>
          </Space>
        </Card>
      </div>
    </div>
  );
}
