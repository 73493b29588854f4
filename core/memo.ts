/**
 * The memories that make a repeated admission cheap share one bound: by entries and by the characters
 * of the text they hold, because what they hold carries what pod authors wrote (an annotation such as
 * `sidecar.istio.io/bootstrapOverride` lands in a rendered text, and in a patch, whole). A flood of
 * pods with huge values then leaves every memory as small as it was.
 */
export const MEMO_LIMITS = {
  entries: 256,
  /** Characters of text per memory (an object is weighed by the text it was parsed from). */
  chars: 4 * 1024 * 1024,
  /** Characters of the largest entry kept; a sidecar renders to about 7 to 20 thousand. */
  entryChars: 128 * 1024,
} as const;

/** A least-recently-used map bounded by entries and by the characters of the text it holds. */
export class TextMemo<V> {
  private readonly map = new Map<string, { value: V; chars: number }>();
  private chars = 0;

  get size(): number {
    return this.map.size;
  }

  /** The characters held (keys and texts). */
  get weight(): number {
    return this.chars;
  }

  /** A hit is moved to the back, so a hot entry stays while cold ones age out. */
  recall(key: string): V | undefined {
    const hit = this.map.get(key);
    if (hit === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, hit);
    return hit.value;
  }

  remember(key: string, value: V, chars: number): void {
    const weight = key.length + chars;
    if (weight > MEMO_LIMITS.entryChars) return;
    const old = this.map.get(key);
    if (old !== undefined) {
      this.map.delete(key);
      this.chars -= key.length + old.chars;
    }
    while (
      this.map.size > 0 &&
      (this.map.size >= MEMO_LIMITS.entries || this.chars + weight > MEMO_LIMITS.chars)
    ) {
      const [oldest, entry] = this.map.entries().next().value as [string, { chars: number }];
      this.map.delete(oldest);
      this.chars -= oldest.length + entry.chars;
    }
    this.map.set(key, { value, chars });
    this.chars += weight;
  }

  clear(): void {
    this.map.clear();
    this.chars = 0;
  }
}
