/** The header every JSON file segnet-uq writes starts with. */
import { TOOL_VERSION } from '../package-root';

export interface FileHeader {
  readonly schemaVersion: number;
  readonly tool: { readonly name: string; readonly version: string };
  readonly createdAt: string;
}

/** { schemaVersion, tool: { name, version }, createdAt: now } */
export function fileHeader(schemaVersion: number): FileHeader {
  return { schemaVersion, tool: { name: 'segnet-uq', version: TOOL_VERSION }, createdAt: new Date().toISOString() };
}
