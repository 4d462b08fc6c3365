/** How a secret or token is told apart: "…wxyz", its last four characters. Core keeps no
 * fingerprint (an empty one) of a value too short to show any of it safely. */
export function ending(fingerprint: string): string {
  return fingerprint ? `…${fingerprint}` : "—";
}

/** What the ending's tooltip says when no part of the value is shown. */
export const NO_ENDING = "Shorter than 16 characters: no part of it is shown";
