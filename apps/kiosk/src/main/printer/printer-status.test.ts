/**
 * Which printer-state-reasons stop the sale of a certificate: the errors a store meets (paper out,
 * a jam, an offline or paused printer, a queue rejecting jobs) do; low supplies and CUPS' notes
 * about its own queue do not. The same reasons from a real cupsd: test/kiosk/cups-printer.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { printerStatusFrom } from './printer-status.js';

const idle = { state: 3, acceptingJobs: true };

describe('printer status from IPP printer attributes', () => {
  it('an idle printer with no reasons can print', () => {
    expect(printerStatusFrom({ ...idle, reasons: ['none'] })).toEqual({ canPrint: true, reasons: [] });
  });

  it.each([
    ['media-empty-error', 'media-empty'],
    ['media-jam-error', 'media-jam'],
    ['media-jam', 'media-jam'], // no suffix: an error (RFC 8011 §5.4.12)
    ['toner-empty-error', 'toner-empty'],
    ['offline-report', 'offline'],
    ['door-open-error', 'door-open'],
  ])('%s stops printing, reported as %s', (keyword, reason) => {
    expect(printerStatusFrom({ ...idle, reasons: [keyword] })).toEqual({ canPrint: false, reasons: [reason] });
  });

  it.each([
    ['toner-low-warning'],
    ['toner-low'],
    ['media-low-report'],
    ['cups-waiting-for-job-completed'],
    ['cups-missing-filter-warning'],
  ])('%s is reported but the printer still prints', (keyword) => {
    const status = printerStatusFrom({ ...idle, reasons: [keyword] });
    expect(status.canPrint).toBe(true);
    expect(status.reasons).toHaveLength(1);
  });

  it('a warning next to an error still cannot print, and both are reported', () => {
    expect(printerStatusFrom({ ...idle, reasons: ['toner-low-warning', 'media-empty-error'] })).toEqual({
      canPrint: false,
      reasons: ['toner-low', 'media-empty'],
    });
  });

  it('a stopped printer cannot print: paused by an operator, or stopped by itself', () => {
    expect(printerStatusFrom({ state: 5, acceptingJobs: true, reasons: ['paused'] })).toEqual({ canPrint: false, reasons: ['paused'] });
    expect(printerStatusFrom({ state: 'stopped', acceptingJobs: true, reasons: ['none'] })).toEqual({
      canPrint: false,
      reasons: ['stopped'],
    });
  });

  it('a queue that rejects jobs cannot print even while idle', () => {
    expect(printerStatusFrom({ ...idle, acceptingJobs: false, reasons: ['none'] })).toEqual({
      canPrint: false,
      reasons: ['not-accepting-jobs'],
    });
  });
});
