import { App as AntApp, ConfigProvider, Spin, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { Navigate, Route, Routes } from 'react-router-dom';
import { Shell } from './components/Shell.tsx';
import { useI18n } from './lib/i18n.tsx';
import { SessionProvider, useSessionQuery } from './lib/session.tsx';
import { AlertsPage } from './pages/Alerts.tsx';
import { BoardPage } from './pages/Board.tsx';
import { InventoryPage } from './pages/Inventory.tsx';
import { LoginPage } from './pages/Login.tsx';
import { OrderPage } from './pages/Order.tsx';
import { OverviewPage } from './pages/Overview.tsx';
import { RulesPage } from './pages/Rules.tsx';
import { ScorecardsPage } from './pages/Scorecards.tsx';
import { SettingsPage } from './pages/Settings.tsx';

function SignedIn() {
  const session = useSessionQuery();
  if (session.isPending) return <Spin fullscreen />;
  if (!session.data) return <Navigate to="/login" replace />;
  return (
    <SessionProvider session={session.data}>
      <Shell>
        <Routes>
          <Route path="/" element={<Navigate to="/board" replace />} />
          <Route path="/overview" element={<OverviewPage />} />
          <Route path="/board" element={<BoardPage />} />
          <Route path="/orders/:id" element={<OrderPage />} />
          <Route path="/inventory" element={<InventoryPage />} />
          <Route path="/scorecards" element={<ScorecardsPage />} />
          <Route path="/alerts" element={<AlertsPage />} />
          <Route path="/rules" element={<RulesPage />} />
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="*" element={<Navigate to="/board" replace />} />
        </Routes>
      </Shell>
    </SessionProvider>
  );
}

export function App() {
  const { language } = useI18n();
  return (
    <ConfigProvider
      locale={language === 'en' ? enUS : zhCN}
      theme={{ algorithm: theme.defaultAlgorithm, token: { colorPrimary: '#1677ff', borderRadius: 6, fontSize: 13 }, components: { Table: { cellPaddingBlockSM: 6 } } }}
      componentSize="middle"
      button={{ autoInsertSpace: false }}
    >
      <AntApp>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="*" element={<SignedIn />} />
        </Routes>
      </AntApp>
    </ConfigProvider>
  );
}
