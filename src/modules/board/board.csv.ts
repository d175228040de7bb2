import { parseIsoInstant } from '../../platform/time/instants.ts';
import { formatWallClock } from '../../platform/time/wall-clock.ts';
import { minorToDecimal } from '../../platform/money.ts';
import { currencyExponent } from '../time/time.regions.ts';
import type { BoardRowView } from './board.service.ts';

/**
 * The board as CSV, for a spreadsheet: UTF-8 with a BOM (Excel in China opens it right), CRLF line
 * ends, RFC 4180 quoting. Headings follow the person's language; times are written in their zone,
 * which the heading names, and amounts in yuan with two decimals from integer fen. Statuses, tiers,
 * warnings and channels are written as words of that language; a person's own hold reason as written.
 */
export type CsvLanguage = 'zh-CN' | 'en';

const headings: Record<CsvLanguage, string[]> = {
  'zh-CN': ['订单号', '渠道', '店铺', '平台订单号', '状态', '原因', '优先级', '处理组', '仓库', '金额', '币种', '省', '市', '标签', '付款时间', '处理时限', '预警'],
  en: ['Order', 'Channel', 'Shop', 'Channel order id', 'Status', 'Reason', 'Tier', 'Group', 'Warehouses', 'Amount', 'Currency', 'Province', 'City', 'Tags', 'Paid at', 'Process by', 'Warning'],
};

/** Codes a spreadsheet reader should see in words: statuses, stop reasons, tiers, warnings, channels. */
const words: Record<CsvLanguage, Record<string, string>> = {
  'zh-CN': {
    created: '待付款', paid: '已付款', allocated: '已占库存', routed: '已分仓', pushed: '已推送', accepted_by_wms: '仓库已接单', shipped: '已发货',
    delivered: '已签收', closed: '已完成', cancelled: '已取消', on_hold: '挂起', exception: '异常',
    out_of_stock: '缺货', unknown_sku: '未知 SKU', no_warehouse: '无可用仓', push_failed: '推送失败', wms_rejected: '仓库拒单',
    reservation_expired: '占用过期', address_unresolved: '地址无法识别', channel_hold: '平台暂停发货', rule_hold: '规则挂起',
    urgent: '紧急', high: '高', normal: '普通', none: '正常', amber: '待处理超 2 小时', red: '已超时',
    taobao: '淘宝', tmall: '天猫', jd: '京东', pdd: '拼多多', douyin: '抖音', custom: '自有渠道',
  },
  en: {
    accepted_by_wms: 'accepted by WMS', on_hold: 'on hold', out_of_stock: 'out of stock', unknown_sku: 'unknown SKU', no_warehouse: 'no warehouse',
    push_failed: 'push failed', wms_rejected: 'refused by WMS', reservation_expired: 'reservation expired', address_unresolved: 'address not placed',
    channel_hold: 'held by the marketplace', rule_hold: 'held by a rule', amber: 'pending over 2 h', red: 'overdue', none: 'on time',
    taobao: 'Taobao', tmall: 'Tmall', jd: 'JD', pdd: 'Pinduoduo', douyin: 'Douyin', custom: 'own channel',
  },
};

export function csvField(value: string): string {
  // A leading = + - @ would be run as a formula by a spreadsheet: prefixed with ' it stays text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Minor units in the currency's own exponent: 1500 yen is 1500, 1230 fen is 12.30. */
const amountOf = (minor: number, currency: string) => minorToDecimal(minor, currencyExponent(currency) ?? 2);

export function csvHeader(language: CsvLanguage, zone: string): string {
  const names = headings[language].map((h, i) => (i === 14 || i === 15 ? `${h} (${zone})` : h));
  return '\uFEFF' + names.map(csvField).join(',') + '\r\n';
}

export function csvLine(row: BoardRowView, zone: string, language: CsvLanguage): string {
  const word = (code: string | null) => (code === null ? '' : (words[language][code] ?? code));
  const local = (iso: string | null) => (iso ? formatWallClock(parseIsoInstant(iso), zone) : '');
  return [
    row.id, word(row.channel), row.shopId, row.channelOrderId, word(row.status), word(row.statusReason), word(row.priority), row.handlingGroup ?? '',
    row.warehouses.join(' '), amountOf(row.totalFen, row.currency), row.currency, row.receiverProvince, row.receiverCity, row.tags.join(' '),
    local(row.paidAt), local(row.processBy), word(row.warning),
  ].map((v) => csvField(String(v))).join(',') + '\r\n';
}
