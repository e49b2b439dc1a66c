import { describe, expect, it } from 'vitest';
import { createTransportRegistry } from '../../../src/modules/messaging/transports.ts';
import type { Transport } from '../../../src/transport/types.ts';

const fake = (platform: Transport['platform'], number: string): Transport => ({
  platform, businessNumberId: () => number, send: async () => ({ messageId: 'x', jid: 'x' }), state: () => ({ status: 'open', since: '', reconnects: 0 }),
});

describe('the transport registry', () => {
  const cloudA = fake('meta_cloud', '111');
  const cloudB = fake('meta_cloud', '222');
  const baileys = fake('baileys', '34600000000');
  const registry = createTransportRegistry({ now: () => new Date(0) });
  for (const t of [cloudA, cloudB, baileys]) registry.add(t);

  it('honours an explicit platform and number strictly', () => {
    expect(registry.pick({ platform: 'meta_cloud', businessNumberId: '222' }, true)).toBe(cloudB);
    expect(registry.pick({ businessNumberId: '333' }, true)).toBeNull();
  });

  it('otherwise answers on the number the client wrote to, then the same platform, then Baileys', () => {
    expect(registry.pick({ platform: 'meta_cloud', businessNumberId: '222' }, false)).toBe(cloudB);
    expect(registry.pick({ platform: 'meta_cloud', businessNumberId: '999' }, false)).toBe(cloudA);
    expect(registry.pick({}, false)).toBe(baileys);
    expect(registry.state().status).toBe('open');
    registry.remove(baileys);
    expect(registry.pick({}, false)).toBe(cloudA);
    expect(registry.state().status).toBe('disabled');
  });
});
