import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStockCsv } from '../../src/modules/inventory/reconciliation.csv.ts';
import { differenceBp } from '../../src/modules/inventory/count-tasks.service.ts';

test('a count sheet with BOM, CRLF, reordered and extra columns and quoted fields is read', () => {
  const parsed = parseStockCsv('\uFEFFbin,Quantity,SKU\r\n"A-1\r\nupper",12,"SOFA, ""grey"""\r\n\r\nB-2, 0 ,LAMP\r\n');
  assert.deepEqual(parsed, { ok: true, lines: [{ sku: 'SOFA, "grey"', quantity: 12 }, { sku: 'LAMP', quantity: 0 }] });
});

test('bad rows are named by the file line they start on, after quoted line breaks', () => {
  const parsed = parseStockCsv('sku,quantity\n"X\nY",1\nA,1.5\nB,\nA,2\nC,99999999\n');
  assert.equal(parsed.ok, false);
  assert.deepEqual(!parsed.ok && parsed.errors.map((e) => e.line), [4, 5, 6, 7]);
});

test('files that are not count sheets are refused with a reason', () => {
  for (const csv of ['', 'sku,qty\nA,1\n', 'sku,quantity\n', 'sku,quantity\n"A,1\n', 'sku,quantity\n"A"x,1\n']) {
    const parsed = parseStockCsv(csv);
    assert.equal(parsed.ok, false, csv);
    assert.ok(!parsed.ok && parsed.errors[0]!.message.length > 0);
  }
});

test('the difference is in basis points of the book, rounded up, so 3% is 300 and just over is 301', () => {
  assert.equal(differenceBp(1000, 970), 300);
  assert.equal(differenceBp(1000, 1030), 300);
  assert.equal(differenceBp(100_000, 96_999), 301);
  assert.equal(differenceBp(0, 3), 10_000);
  assert.equal(differenceBp(0, 0), 0);
  assert.equal(differenceBp(1, 10_000_000), 1_000_000);
});
