// STIX facts the UI shows: TLP marking ids (OASIS TLP 2.0) and the Tansiq releasability
// extension, and display helpers for object fields.

export const TLP_IDS: Record<string, string> = {
  "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": "clear",
  "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": "green",
  "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": "amber",
  "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": "amber+strict",
  "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": "red",
};

export const TLPS = ["clear", "green", "amber", "amber+strict", "red"] as const;
export type Tlp = (typeof TLPS)[number];

export const RELEASABILITY_EXT = "extension-definition--65d21291-bcb8-457a-8bff-8b997f76182b";

export type StixObject = Record<string, unknown> & { id: string; type: string };

export function objectTitle(o: StixObject): string {
  for (const k of ["name", "abstract", "value", "pattern"]) {
    const v = o[k];
    if (typeof v === "string" && v) return v;
  }
  return o.id;
}

export function typeOf(id: string): string {
  const i = id.indexOf("--");
  return i > 0 ? id.slice(0, i) : id;
}
