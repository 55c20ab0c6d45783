/** Placeholder replaced by the CSV column definitions. */
export const csvFiles: readonly string[] = [];
