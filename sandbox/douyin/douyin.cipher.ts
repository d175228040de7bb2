import { createHmac } from 'node:crypto';

/**
 * Stand-ins for Douyin's encrypted receiver fields (密文). The platform never returns a receiver's
 * name, phone or street in plain text: it returns ciphertexts the shop decrypts through an audited
 * call. Real ciphertexts are recognisable by their sentinel (phone `$…$`, name `~…~`, address
 * `#…#`, as the platform's encryption guide describes), and the same plain value encrypts to the
 * same text within a shop, which is what lets the platform offer search by cipher.
 *
 * The exact inner layout of a real ciphertext is not public; these keep the sentinels, the length
 * class and the determinism, and nothing else. The sandbox keeps a table back to plain text so a
 * future decrypt endpoint and tests can reverse them.
 */

export type CipherKind = 'name' | 'phone' | 'address';

const SENTINEL: Readonly<Record<CipherKind, string>> = { name: '~', phone: '$', address: '#' };

export class CipherBook {
  private readonly plainByCipher = new Map<string, string>();
  private readonly cipherByPlain = new Map<string, string>();

  constructor(private readonly key: string) {}

  encrypt(kind: CipherKind, plain: string): string {
    // Memoised: a searchList page encrypts the same receivers again for every SKU line.
    const cached = this.cipherByPlain.get(`${kind}:${plain}`);
    if (cached) return cached;
    const mac = (label: string) => createHmac('sha256', this.key).update(`${label}:${kind}:${plain}`, 'utf8').digest('base64');
    const s = SENTINEL[kind];
    const cipher = `${s}${mac('index').slice(0, 24)}${s}${mac('body')}${mac('tail').slice(0, 20)}${s}1${s}${s}`;
    this.plainByCipher.set(cipher, plain);
    this.cipherByPlain.set(`${kind}:${plain}`, cipher);
    return cipher;
  }

  /** Undefined for text this sandbox never issued. */
  decrypt(cipher: string): string | undefined {
    return this.plainByCipher.get(cipher);
  }

  /** An opaque per-buyer id in the style of `doudian_open_id`. */
  openId(buyerKey: string): string {
    return `#${createHmac('sha256', this.key).update(`open:${buyerKey}`, 'utf8').digest('base64')}`;
  }
}
