import { AppError } from '../../platform/errors.ts';

/** The page cursor of listings and pushes: the last row's shop and SKU. */
export function encodeCursor(shopId: string, sku: string): string {
  return Buffer.from(JSON.stringify([shopId, sku])).toString('base64url');
}

export function decodeCursor(cursor: string): { shopId: string; sku: string } {
  try {
    const [shopId, sku] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof shopId !== 'string' || typeof sku !== 'string') throw new Error('bad cursor');
    return { shopId, sku };
  } catch {
    throw new AppError('VALIDATION_FAILED', 'cursor is not one this API returned', [{ path: 'cursor', message: 'invalid cursor' }]);
  }
}
