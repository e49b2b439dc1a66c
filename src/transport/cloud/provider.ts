import { ProviderClass } from '@builderbot/bot';
import { trackFlowRuns } from '../flow-runs.ts';

/**
 * BuilderBot provider for Cloud API customers. BuilderBot's own Meta provider runs an HTTP server
 * of its own for Meta's webhooks; our sidecar owns that endpoint (signature check, durable inbox),
 * so this provider has no vendor and no server: the inbox worker, once a message is logged,
 * hands it to `deliver` (the way the Baileys session hands socket messages to the Baileys
 * provider's upsert handler), and flow replies leave through `hooks.send` → the outbound
 * service → the Cloud API transport of the number the customer wrote to.
 *
 * Import only through src/transport/cloud/index.ts (BuilderBot writes log files into the
 * current directory when first loaded).
 */
export interface CloudProviderHooks {
  send(to: string, text: string, options: Record<string, unknown> | undefined): Promise<unknown>;
}

export class CloudApiProvider extends ProviderClass {
  globalVendorArgs = { name: 'cloud', port: 0 };
  hooks: CloudProviderHooks | null = null;
  readonly settleFlows: () => Promise<PromiseSettledResult<unknown>[]>;

  constructor() {
    super();
    this.settleFlows = trackFlowRuns(this as never);
  }

  protected async initVendor(): Promise<unknown> {
    return { on: () => undefined };
  }

  protected beforeHttpServerInit(): void {}

  protected afterHttpServerInit(): void {}

  protected busEvents(): Array<{ event: string; func: (...args: unknown[]) => unknown }> {
    return [];
  }

  async sendMessage<K = unknown>(to: string, text: string, options?: Record<string, unknown>): Promise<K> {
    if (!this.hooks) throw new Error('provider hooks not installed');
    return (await this.hooks.send(to, text, options)) as K;
  }

  async saveFile(): Promise<string> {
    // Media is already stored by the ingest pipeline (client_file_storage) before flows run.
    throw new Error('saveFile is not used: media is stored by ingest');
  }

  /** One logged Cloud API message into the flows; resolves when its flow run has finished. */
  async deliver(ctx: { from: string; body: string; name?: string } & Record<string, unknown>): Promise<void> {
    this.emit('message', ctx as never);
    await this.settleFlows();
  }
}
