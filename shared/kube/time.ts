/** A metav1.Time as the API server writes it: RFC 3339 in whole seconds (`2026-01-02T03:04:05Z`). */
export const kubeTime = (at: Date = new Date()): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');
