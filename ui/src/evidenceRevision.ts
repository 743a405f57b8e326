// Computed evidence is read from the registered data products: when they change (registered or
// refreshed, here or, on a team server, by anyone), the shown item's evidence is read again.
import { createContext } from "react";

/** Grows each time the registered products may have changed; evidence panels reload on it. */
export const EvidenceRevision = createContext(0);
