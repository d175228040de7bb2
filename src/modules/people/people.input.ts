import { str } from '../../platform/validation.ts';

/** A new password: 8 to 200 characters. */
export const password = str().min(8, 'at least 8 characters').max(200);
