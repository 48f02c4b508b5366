// The passport fields that the sticker's binding needs (docs/sticker-format.md section 4), read from
// a typed MRZ: TD3 passports and MRV-A visas (2 x 44), TD2 and MRV-B (2 x 36), TD1 cards (3 x 30).
// Layouts as in pantau/people/mrz.py (indices into the lines joined end to end).

export class MrzError extends Error {
  constructor(code) {
    super(code);
    this.code = code; // "format" | "document_number" | "birth_date" | "expiry_date"
  }
}

const LAYOUTS = {
  44: { number: [44, 53], numberCd: 53, nat: [54, 57], birth: [57, 63], birthCd: 63, expiry: [65, 71], expiryCd: 71, optional: [72, 86], overflow: false },
  36: { number: [36, 45], numberCd: 45, nat: [46, 49], birth: [49, 55], birthCd: 55, expiry: [57, 63], expiryCd: 63, optional: [64, 71], overflow: true },
  30: { number: [5, 14], numberCd: 14, nat: [45, 48], birth: [30, 36], birthCd: 36, expiry: [38, 44], expiryCd: 44, optional: [15, 30], overflow: true },
};
const SHAPES = { 88: [2, 44], 72: [2, 36], 90: [3, 30] };

export function checkDigit(text) {
  const weights = [7, 3, 1];
  let sum = 0;
  [...text].forEach((c, i) => {
    let v;
    if (c === "<") v = 0;
    else if (c >= "0" && c <= "9") v = c.charCodeAt(0) - 48;
    else v = c.charCodeAt(0) - 55; // A = 10
    sum += v * weights[i % 3];
  });
  return String(sum % 10);
}

// Lines as a reader or an officer gives them: any case, spaces inside, or pasted end to end.
export function normalise(text) {
  let lines = text.split(/\r?\n/).map((l) => l.replace(/\s+/g, "").toUpperCase()).filter(Boolean);
  const joined = lines.join("");
  if (lines.length === 1 && SHAPES[joined.length]) {
    const [count, width] = SHAPES[joined.length];
    lines = Array.from({ length: count }, (_, i) => joined.slice(i * width, (i + 1) * width));
  }
  return lines;
}

export function parseMrz(text) {
  const lines = normalise(text);
  const width = lines[0] ? lines[0].length : 0;
  const count = { 44: 2, 36: 2, 30: 3 }[width];
  if (!count || lines.length !== count || lines.some((l) => l.length !== width) ||
      lines.some((l) => !/^[A-Z0-9<]+$/.test(l))) {
    throw new MrzError("format");
  }
  const flat = lines.join("");
  const lay = LAYOUTS[width];
  const cut = ([a, b]) => flat.slice(a, b);
  let number = cut(lay.number);
  const optional = cut(lay.optional);
  if (lay.overflow && flat[lay.numberCd] === "<" && optional[0] && optional[0] !== "<") {
    const extra = optional.split("<", 1)[0];
    if (extra.length < 2 || checkDigit(number + extra.slice(0, -1)) !== extra.slice(-1)) {
      throw new MrzError("document_number");
    }
    number += extra.slice(0, -1);
  } else if (checkDigit(number) !== flat[lay.numberCd]) {
    throw new MrzError("document_number");
  }
  if (checkDigit(cut(lay.birth)) !== flat[lay.birthCd] || !/^\d{6}$/.test(cut(lay.birth))) {
    throw new MrzError("birth_date");
  }
  if (checkDigit(cut(lay.expiry)) !== flat[lay.expiryCd]) throw new MrzError("expiry_date");
  return {
    documentNumber: number.replaceAll("<", ""),
    nationality: cut(lay.nat).replaceAll("<", ""),
    birthDate: cut(lay.birth),
  };
}
