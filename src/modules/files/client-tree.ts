import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The per-client tree, exactly as the PRD draws it. Created on first use (a media download, an
 * archive, a backup), so clients without files have no folder at all.
 */
export const CLIENT_FOLDERS = ['conversations', 'media/images', 'media/videos', 'media/audio', 'documents', 'archives'] as const;

export const clientRoot = (clienteId: number): string => `clients/client_${clienteId}`;

export async function ensureClientTree(storageDir: string, clienteId: number): Promise<void> {
  if (!Number.isInteger(clienteId) || clienteId <= 0) throw new Error(`invalid client id ${clienteId}`);
  for (const folder of CLIENT_FOLDERS) await mkdir(join(storageDir, clientRoot(clienteId), folder), { recursive: true });
}
