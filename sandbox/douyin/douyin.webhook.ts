import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { signDouyinEvent } from '../../src/modules/channels/douyin/douyin.sign.ts';
import type { FaultOptions } from '../common/faults.ts';
import type { Prng } from '../common/prng.ts';
import { writeJson } from '../common/raw-json.ts';
import type { TradeEvent } from './douyin.store.ts';

/**
 * Message push (消息推送): trade messages POSTed to the app's callback URL as a JSON array, signed in
 * the `event-sign` header (MD5 of app_key + body + app_secret) with the app key in `app-id`. The
 * receiver must answer 2xx with `{"code":0,"msg":"success"}`; anything else, or no answer, and the
 * messages are retried later with growing gaps, then dropped. Duplicates and out-of-order delivery
 * are injected at the configured rates because the platform promises neither exactly-once nor order.
 *
 * Wire shape. The platform's pushes, as the SDKs that parse real traffic read them, are
 * `{"tag":"100","msg_id":"…","data":"{…}"}`: tag a string, data a JSON *text* whose ids are bare
 * integers. The samples transcribed from the documentation (test/fixtures/douyin/EventSamples) show
 * `{"tag":100,"msgId":"…","data":{…}}` instead. `envelope: 'platform'` (default) sends the former,
 * `'sample'` the latter, so a receiver can be tested against both.
 */

export interface WebhookOptions {
  readonly url: string;
  readonly appKey: string;
  readonly appSecret: string;
  /** Messages per POST; default 5. */
  readonly batchSize?: number;
  readonly envelope?: 'platform' | 'sample';
  /** Failed attempts before a message is dropped; default 8. */
  readonly maxAttempts?: number;
  /** If set, the sandbox pushes on its own every this many wall-clock ms. */
  readonly autoPushMs?: number;
  /** How long to wait for the receiver's answer; default 5000 ms. */
  readonly timeoutMs?: number;
}

export interface WebhookDelivery {
  /** Sandbox time of the POST, ms. */
  readonly at: number;
  readonly msgIds: readonly string[];
  readonly tags: readonly number[];
  /** HTTP status, or 0 when the receiver could not be reached or timed out. */
  readonly status: number;
  /** 2xx and `{"code":0}`: the only answer that counts as received. */
  readonly accepted: boolean;
  readonly body: string;
  readonly eventSign: string;
}

export interface PushReport {
  readonly posts: number;
  readonly messages: number;
  readonly accepted: number;
  readonly failedPosts: number;
  readonly duplicates: number;
  readonly dropped: number;
}

interface QueuedMessage {
  readonly msgId: string;
  readonly event: TradeEvent;
  readonly dataJson: string;
  attempts: number;
  nextAttemptAt: number;
}

const RETRY_BASE_MS = 15_000;
const RETRY_CAP_MS = 3_600_000;

export class WebhookDispatcher {
  private readonly queue: QueuedMessage[] = [];
  private readonly rng: Prng;

  constructor(
    private readonly options: WebhookOptions,
    rng: Prng,
    private readonly faults: FaultOptions,
    private readonly now: () => number,
    private readonly deliveries: WebhookDelivery[],
  ) {
    this.rng = rng.fork('webhook');
  }

  get pending(): number {
    return this.queue.length;
  }

  enqueue(event: TradeEvent): void {
    // Opaque to receivers; shaped like the platform's "<19 digits>::<tag>:<unix>:<19 digits>".
    const msgId = `${this.rng.digits(19)}::${event.tag}:${Math.floor(event.at / 1000)}:${this.rng.digits(19)}`;
    this.queue.push({ msgId, event, dataJson: writeJson(event.data), attempts: 0, nextAttemptAt: event.at });
  }

  /** Sends everything due now; resolves when each POST has been answered or has failed. */
  async push(): Promise<PushReport> {
    const now = this.now();
    const due = this.queue.filter((m) => m.nextAttemptAt <= now);
    const sends: { message: QueuedMessage; duplicate: boolean }[] = [];
    for (const message of due) {
      sends.push({ message, duplicate: false });
      if (this.rng.chance(this.faults.duplicateRate ?? 0)) sends.push({ message, duplicate: true });
    }
    for (let i = 0; i < sends.length - 1; i++) {
      if (this.rng.chance(this.faults.reorderRate ?? 0)) {
        const j = this.rng.int(i + 1, sends.length - 1);
        [sends[i], sends[j]] = [sends[j] as (typeof sends)[number], sends[i] as (typeof sends)[number]];
      }
    }
    const delivered = new Set<QueuedMessage>();
    const failed = new Set<QueuedMessage>();
    const batchSize = Math.max(1, this.options.batchSize ?? 5);
    let posts = 0;
    let failedPosts = 0;
    for (let i = 0; i < sends.length; i += batchSize) {
      const batch = sends.slice(i, i + batchSize).map((s) => s.message);
      posts++;
      const ok = await this.post(batch, now);
      for (const message of batch) (ok ? delivered : failed).add(message);
      if (!ok) failedPosts++;
    }
    let dropped = 0;
    for (const message of failed) {
      if (delivered.has(message)) continue;
      message.attempts++;
      if (message.attempts >= (this.options.maxAttempts ?? 8)) {
        delivered.add(message); // leaves the queue: the platform gives up, the shop must poll to recover
        dropped++;
      } else {
        message.nextAttemptAt = now + Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** (message.attempts - 1));
      }
    }
    const remaining = this.queue.filter((m) => !delivered.has(m));
    this.queue.splice(0, this.queue.length, ...remaining);
    return {
      posts,
      messages: due.length,
      accepted: due.filter((m) => delivered.has(m)).length - dropped,
      failedPosts,
      duplicates: sends.filter((s) => s.duplicate).length,
      dropped,
    };
  }

  private render(message: QueuedMessage): string {
    if (this.options.envelope === 'sample') {
      return `{"tag":${message.event.tag},"msgId":${JSON.stringify(message.msgId)},"data":${message.dataJson}}`;
    }
    return writeJson({ tag: String(message.event.tag), msg_id: message.msgId, data: message.dataJson });
  }

  private async post(batch: readonly QueuedMessage[], at: number): Promise<boolean> {
    const body = `[${batch.map((m) => this.render(m)).join(',')}]`;
    const eventSign = signDouyinEvent(this.options.appKey, this.options.appSecret, body);
    const { status, text } = await this.send(body, eventSign);
    let accepted = false;
    if (status >= 200 && status < 300) {
      try {
        accepted = (JSON.parse(text) as { code?: unknown }).code === 0;
      } catch {
        accepted = false;
      }
    }
    this.deliveries.push({
      at,
      msgIds: batch.map((m) => m.msgId),
      tags: batch.map((m) => m.event.tag),
      status,
      accepted,
      body,
      eventSign,
    });
    return accepted;
  }

  private send(body: string, eventSign: string): Promise<{ status: number; text: string }> {
    const url = new URL(this.options.url);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const req = request(url, {
        method: 'POST',
        // No keep-alive agent: a pooled socket would hold the caller's process open after close().
        agent: false,
        timeout: this.options.timeoutMs ?? 5000,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'event-sign': eventSign,
          'app-id': this.options.appKey,
          connection: 'close',
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => resolve({ status: 0, text: '' }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve({ status: 0, text: '' }));
      req.end(body);
    });
  }
}
