import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Input, Select, Space } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api.ts';
import { useI18n } from '../lib/i18n.tsx';
import { priorities, type Action } from '../lib/types.ts';

const actionTypes: Action['type'][] = ['set_priority', 'set_group', 'add_tags', 'hold', 'alert', 'webhook', 'prefer_warehouse', 'avoid_warehouse'];

function blank(type: Action['type']): Action {
  switch (type) {
    case 'set_priority': return { type, priority: 'urgent' };
    case 'set_group': return { type, group: '' };
    case 'add_tags': return { type, tags: [] };
    case 'hold': return { type, reason: '' };
    case 'alert': return { type, message: '' };
    case 'webhook': return { type, url: 'https://' };
    case 'prefer_warehouse': return { type, warehouses: [] };
    case 'avoid_warehouse': return { type, warehouses: [] };
  }
}

/** What a rule does when it fires, as a list of typed rows. */
export function ActionsEditor({ value, onChange }: { value: Action[]; onChange(actions: Action[]): void }) {
  const { t } = useI18n();
  const groups = useQuery({ queryKey: ['groups'], queryFn: () => api<{ items: { code: string; name: string }[] }>('/api/v1/groups') });
  const warehouses = useQuery({ queryKey: ['warehouses'], queryFn: () => api<{ items: { code: string; name: string }[] }>('/api/v1/warehouses') });
  const set = (i: number, a: Action | null) => onChange(a === null ? value.filter((_, j) => j !== i) : value.map((x, j) => (j === i ? a : x)));
  const warehouseOptions = (warehouses.data?.items ?? []).map((w) => ({ value: w.code, label: `${w.code} ${w.name}` }));
  return (
    <div>
      {value.map((a, i) => (
        <Space key={i} wrap style={{ marginBottom: 6 }} data-testid="rule-action">
          <Select style={{ width: 150 }} value={a.type} onChange={(type: Action['type']) => set(i, blank(type))} options={actionTypes.map((type) => ({ value: type, label: t(`action.${type}`) }))} />
          {a.type === 'set_priority' ? (
            <Select style={{ width: 120 }} value={a.priority} onChange={(priority) => set(i, { ...a, priority })} options={priorities.map((p) => ({ value: p, label: t(`tier.${p}`) }))} data-testid="action-priority" />
          ) : a.type === 'set_group' ? (
            <Select style={{ width: 180 }} value={a.group || undefined} onChange={(group: string) => set(i, { ...a, group })} options={(groups.data?.items ?? []).map((g) => ({ value: g.code, label: `${g.code} ${g.name}` }))} />
          ) : a.type === 'add_tags' ? (
            <Select mode="tags" style={{ minWidth: 200 }} value={a.tags} onChange={(tags: string[]) => set(i, { ...a, tags })} />
          ) : a.type === 'hold' ? (
            <Input style={{ width: 260 }} value={a.reason} onChange={(e) => set(i, { ...a, reason: e.target.value })} placeholder={t('common.reason')} />
          ) : a.type === 'alert' ? (
            <Input style={{ width: 260 }} value={a.message} onChange={(e) => set(i, { ...a, message: e.target.value })} />
          ) : a.type === 'webhook' ? (
            <Input style={{ width: 320 }} value={a.url} onChange={(e) => set(i, { ...a, url: e.target.value })} />
          ) : (
            <Select mode="multiple" style={{ minWidth: 200 }} value={a.warehouses} onChange={(warehouses: string[]) => set(i, { ...a, warehouses })} options={warehouseOptions} />
          )}
          <Button type="text" icon={<DeleteOutlined />} onClick={() => set(i, null)} />
        </Space>
      ))}
      <div>
        <Button size="small" icon={<PlusOutlined />} onClick={() => onChange([...value, blank('set_priority')])}>{t('rules.addAction')}</Button>
      </div>
    </div>
  );
}
