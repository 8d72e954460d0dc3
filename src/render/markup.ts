// Escaping for markup, one way for every renderer that writes XML or HTML (check's JUnit, report):
// the characters that would end text or a double-quoted attribute.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export const escapeMarkup = (s: string): string => s.replace(/[&<>"]/g, (c) => ENTITIES[c]);
