import { App } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useI18n } from './i18n.tsx';

/** What a settings change does when it lands or fails: says so, and reloads what the page shows. */
export function useSaved() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  return {
    onSuccess: async (..._args: unknown[]) => {
      void message.success(t('common.done'));
      await queryClient.invalidateQueries();
    },
    onError: (e: Error) => void message.error(e.message),
  };
}
