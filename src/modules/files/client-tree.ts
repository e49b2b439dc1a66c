import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The per-client tree, exactly as the PRD draws it. Created on first use (a media download, an
 * archive, a backup), so clients without files have no folder at all.
 */
export const CLIENT_FOLDERS = ['conversations', 'media/images', 'media/videos', 'media/audio', 'documents', 'archives'] as const;

export const clientRoot = (clienteId: number): string => `clients/client_${clienteId}`;

/** Trees already made by this process (the backend still creates a file's own folder on write). */
const made = new Set<string>();

export async function ensureClientTree(storageDir: string, clienteId: number): Promise<void> {
  if (!Number.isInteger(clienteId) || clienteId <= 0) throw new Error(`invalid client id ${clienteId}`);
  const root = join(storageDir, clientRoot(clienteId));
  if (made.has(root)) return;
  for (const folder of CLIENT_FOLDERS) await mkdir(join(root, folder), { recursive: true });
  made.add(root);
}

/** After an erasure removed the tree. */
export function forgetClientTree(storageDir: string, clienteId: number): void {
  made.delete(join(storageDir, clientRoot(clienteId)));
}
