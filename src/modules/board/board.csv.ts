import { DateTime } from 'luxon';
import { minorToDecimal } from '../../platform/money.ts';
import type { BoardRowView } from './board.service.ts';

/**
 * The board as CSV, for a spreadsheet: UTF-8 with a BOM (Excel in China opens it right), CRLF line
 * ends, RFC 4180 quoting. Headings follow the person's language; times are written in their zone,
 * which the heading names, and amounts in yuan with two decimals from integer fen.
 */
export type CsvLanguage = 'zh-CN' | 'en';

const headings: Record<CsvLanguage, string[]> = {
  'zh-CN': ['订单号', '渠道', '店铺', '平台订单号', '状态', '原因', '优先级', '处理组', '仓库', '金额', '币种', '省', '市', '标签', '付款时间', '处理时限', '预警'],
  en: ['Order', 'Channel', 'Shop', 'Channel order id', 'Status', 'Reason', 'Tier', 'Group', 'Warehouses', 'Amount', 'Currency', 'Province', 'City', 'Tags', 'Paid at', 'Process by', 'Warning'],
};

export function csvField(value: string): string {
  // A leading = + - @ would be run as a formula by a spreadsheet: prefixed with ' it stays text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const amountOf = (fen: number) => minorToDecimal(fen);

export function csvHeader(language: CsvLanguage, zone: string): string {
  const names = headings[language].map((h, i) => (i === 14 || i === 15 ? `${h} (${zone})` : h));
  return '\uFEFF' + names.map(csvField).join(',') + '\r\n';
}

export function csvLine(row: BoardRowView, zone: string): string {
  const local = (iso: string | null) => (iso ? DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toFormat('yyyy-MM-dd HH:mm:ss') : '');
  return [
    row.id, row.channel, row.shopId, row.channelOrderId, row.status, row.statusReason ?? '', row.priority, row.handlingGroup ?? '',
    row.warehouses.join(' '), amountOf(row.totalFen), row.currency, row.receiverProvince, row.receiverCity, row.tags.join(' '),
    local(row.paidAt), local(row.processBy), row.warning,
  ].map((v) => csvField(String(v))).join(',') + '\r\n';
}
