/**
 * The preload: exposes exactly one namespaced object, `window.kiosk` (the shared KioskBridge),
 * never ipcRenderer itself. Bundled to one CJS file (sandboxed preloads cannot load modules).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
// Types only: importing values from @madoguchi/shared would bundle zod into the preload.
import type { KioskBridge, KioskIntent, KioskView } from '@madoguchi/shared';

const bridge: KioskBridge = {
  version: 1,
  getView: () => ipcRenderer.invoke('kiosk:getView') as Promise<KioskView>,
  onView(listener) {
    const handler = (_event: IpcRendererEvent, view: KioskView) => listener(view);
    ipcRenderer.on('kiosk:view', handler);
    return () => ipcRenderer.removeListener('kiosk:view', handler);
  },
  send: (intent: KioskIntent) => ipcRenderer.invoke('kiosk:intent', intent) as Promise<void>,
};

contextBridge.exposeInMainWorld('kiosk', bridge);
