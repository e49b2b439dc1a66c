/**
 * What this process has learnt about LID ↔ phone pairs (message `remoteJidAlt`/`participantAlt`,
 * `contacts.upsert`, `lid-mapping.update`, group participant objects). The database keeps the
 * durable copy (`usuarios.lid`); this map lets the adapter resolve a LID before it reaches the
 * pipeline. Bounded: the oldest pairs are forgotten first.
 */
export interface LidDirectory {
  remember(lid: string, phone: string): void;
  phoneOf(lid: string): string | null;
  lidOf(phone: string): string | null;
  size(): number;
}

export function createLidDirectory(max = 50_000): LidDirectory {
  const byLid = new Map<string, string>();
  const byPhone = new Map<string, string>();
  return {
    remember(lid, phone) {
      if (!lid || !phone) return;
      if (byLid.get(lid) === phone) return;
      byLid.delete(lid);
      byLid.set(lid, phone);
      byPhone.set(phone, lid);
      if (byLid.size > max) {
        const [oldLid, oldPhone] = byLid.entries().next().value as [string, string];
        byLid.delete(oldLid);
        if (byPhone.get(oldPhone) === oldLid) byPhone.delete(oldPhone);
      }
    },
    phoneOf: (lid) => byLid.get(lid) ?? null,
    lidOf: (phone) => byPhone.get(phone) ?? null,
    size: () => byLid.size,
  };
}
