import { describe, expect, it } from 'vitest';
import { printerStatusFrom, unreachablePrinter } from '../printer/printer-status.js';
import { printerStateOf } from './heartbeat-state.js';

const ipp = (reasons: string[], state: number = 3) => printerStatusFrom({ state, reasons, acceptingJobs: true });

describe('printerStateOf', () => {
  it('names each state the fleet page shows from what the printer says over IPP', () => {
    expect(printerStateOf(ipp(['none']))).toBe('ready');
    expect(printerStateOf(ipp(['toner-low-warning']))).toBe('toner-low');
    expect(printerStateOf(ipp(['media-empty-error'], 5))).toBe('media-empty');
    expect(printerStateOf(ipp(['media-needed-error']))).toBe('media-empty');
    expect(printerStateOf(ipp(['offline-report']))).toBe('offline');
    expect(printerStateOf(unreachablePrinter())).toBe('offline');
    expect(printerStateOf(ipp(['paused'], 5))).toBe('error');
    expect(printerStateOf(printerStatusFrom({ state: 3, reasons: [], acceptingJobs: false }))).toBe('error');
  });

  it('reports what stops printing before a warning', () => {
    expect(printerStateOf(ipp(['toner-low-warning', 'media-jam-error'], 5))).toBe('media-jam');
    expect(printerStateOf(ipp(['toner-low-warning', 'toner-empty-error'], 5))).toBe('error');
  });
});
