/**
 * After the center refuses a save, its issues are shown on the fields they name (react-hook-form's
 * setError), and the refusal itself above the form. The page keeps what the clerk typed.
 */
import { useState } from 'react';
import type { FieldPath, FieldValues, UseFormSetError } from 'react-hook-form';
import { ConsoleError } from '../api/console-client.js';
import { issuePathToField } from './field-messages.js';

export function useServerIssues<T extends FieldValues>(setError: UseFormSetError<T>) {
  const [error, setFormError] = useState<unknown>(null);
  const report = (e: unknown) => {
    setFormError(e);
    if (e instanceof ConsoleError) {
      for (const issue of e.issues) {
        const field = issuePathToField(issue.path);
        if (field) setError(field as FieldPath<T>, { type: 'server', message: issue.message });
      }
    }
  };
  return { error, report, clear: () => setFormError(null) };
}
