import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Input, InputNumber, Segmented, Select, Space, Switch } from 'antd';
import { useI18n } from '../lib/i18n.tsx';
import { zh, type MessageKey } from '../lib/messages.ts';
import type { Condition, FieldInfo, FieldTest } from '../lib/types.ts';

/**
 * The condition of a rule as a form: a group (all of / any of) of field tests and nested groups.
 * A `not` made elsewhere (in JSON) is kept as it is and shown read-only.
 */
type Group = { all: Condition[] } | { any: Condition[] };

const isGroup = (c: Condition): c is Group => 'all' in c || 'any' in c;
const itemsOf = (g: Group) => ('all' in g ? g.all : g.any);
const withItems = (g: Group, items: Condition[]): Group => ('all' in g ? { all: items } : { any: items });

export function defaultValue(field: FieldInfo, op: string): unknown {
  if (field.type === 'boolean') return true;
  if (field.type === 'time_of_day') return ['22:00', '06:00'];
  if (op === 'between') return [0, 100];
  if (field.type === 'money' || field.type === 'number') return 0;
  if (['in', 'not_in', 'contains_any', 'contains_all'].includes(op)) return [];
  return field.values?.[0] ?? '';
}

function ValueInput({ field, test, onChange }: { field: FieldInfo; test: FieldTest; onChange(value: unknown): void }) {
  const many = ['in', 'not_in', 'contains_any', 'contains_all'].includes(test.op);
  if (field.type === 'boolean') return <Switch checked={test.value === true} onChange={onChange} />;
  if (field.type === 'time_of_day') {
    const [a, b] = (Array.isArray(test.value) ? test.value : ['', '']) as string[];
    return (
      <Space.Compact>
        <Input style={{ width: 80 }} placeholder="22:00" value={a} onChange={(e) => onChange([e.target.value, b])} />
        <Input style={{ width: 80 }} placeholder="06:00" value={b} onChange={(e) => onChange([a, e.target.value])} />
      </Space.Compact>
    );
  }
  if (field.type === 'money' || field.type === 'number') {
    if (test.op === 'between') {
      const [a, b] = (Array.isArray(test.value) ? test.value : [0, 0]) as number[];
      return (
        <Space.Compact>
          <InputNumber min={0} value={a} onChange={(v) => onChange([v ?? 0, b])} />
          <InputNumber min={0} value={b} onChange={(v) => onChange([a, v ?? 0])} />
        </Space.Compact>
      );
    }
    return <InputNumber min={0} value={test.value as number} onChange={(v) => onChange(v ?? 0)} style={{ width: 140 }} />;
  }
  if (field.values) {
    return <Select mode={many ? 'multiple' : undefined} style={{ minWidth: 160 }} value={test.value as string | string[]} onChange={onChange} options={field.values.map((v) => ({ value: v, label: v }))} />;
  }
  if (many) return <Select mode="tags" style={{ minWidth: 200 }} value={(test.value as string[]) ?? []} onChange={onChange} tokenSeparators={[',', '，']} />;
  return <Input style={{ width: 200 }} value={test.value as string} onChange={(e) => onChange(e.target.value)} data-testid="condition-value" />;
}

function TestRow({ test, fields, onChange, onRemove }: { test: FieldTest; fields: FieldInfo[]; onChange(test: FieldTest): void; onRemove(): void }) {
  const { t, language } = useI18n();
  const field = fields.find((f) => f.name === test.field);
  return (
    <Space wrap style={{ marginBottom: 6 }} data-testid="condition-test">
      <Select style={{ width: 170 }} value={test.field} showSearch optionFilterProp="label"
        onChange={(name: string) => {
          const next = fields.find((f) => f.name === name)!;
          const op = next.operators[0]!;
          onChange({ field: name, op, value: defaultValue(next, op) });
        }}
        options={fields.map((f) => ({ value: f.name, label: language === 'en' ? f.label.en : f.label.zh }))} aria-label={t('rules.field')} />
      <Select style={{ width: 130 }} value={test.op} onChange={(op: string) => onChange({ ...test, op, value: field ? defaultValue(field, op) : test.value })}
        options={(field?.operators ?? []).map((op) => ({ value: op, label: `op.${op}` in zh ? t(`op.${op}` as MessageKey) : op }))} aria-label={t('rules.op')} />
      {field ? <ValueInput field={field} test={test} onChange={(value) => onChange({ ...test, value })} /> : null}
      <Button type="text" icon={<DeleteOutlined />} onClick={onRemove} />
    </Space>
  );
}

export function ConditionEditor({ value, fields, onChange, depth = 0 }: { value: Condition; fields: FieldInfo[]; onChange(c: Condition): void; depth?: number }) {
  const { t } = useI18n();
  const group: Group = isGroup(value) ? value : { all: [value] };
  const items = itemsOf(group);
  const set = (i: number, c: Condition | null) => onChange(withItems(group, c === null ? items.filter((_, j) => j !== i) : items.map((x, j) => (j === i ? c : x))));
  const first = fields[0];
  return (
    <div className={depth ? 'rule-group' : undefined}>
      <Segmented size="small" value={'all' in group ? 'all' : 'any'} style={{ marginBottom: 8 }}
        onChange={(kind) => onChange(kind === 'all' ? { all: items } : { any: items })}
        options={[{ value: 'all', label: t('rules.all') }, { value: 'any', label: t('rules.any') }]} />
      {items.map((c, i) =>
        isGroup(c) ? (
          <Space key={i} align="start" style={{ display: 'flex' }}>
            <ConditionEditor value={c} fields={fields} depth={depth + 1} onChange={(next) => set(i, next)} />
            <Button type="text" icon={<DeleteOutlined />} onClick={() => set(i, null)} />
          </Space>
        ) : 'not' in c ? (
          <div key={i} className="muted">not {JSON.stringify(c.not)}</div>
        ) : (
          <TestRow key={i} test={c} fields={fields} onChange={(next) => set(i, next)} onRemove={() => set(i, null)} />
        ),
      )}
      <Space>
        <Button size="small" icon={<PlusOutlined />} disabled={!first} data-testid="add-test"
          onClick={() => first && onChange(withItems(group, [...items, { field: first.name, op: first.operators[0]!, value: defaultValue(first, first.operators[0]!) }]))}>
          {t('rules.addTest')}
        </Button>
        {depth < 2 ? (
          <Button size="small" type="dashed" onClick={() => first && onChange(withItems(group, [...items, { any: [{ field: first.name, op: first.operators[0]!, value: defaultValue(first, first.operators[0]!) }] }]))}>
            + {'all' in group ? t('rules.any') : t('rules.all')}
          </Button>
        ) : null}
      </Space>
    </div>
  );
}
