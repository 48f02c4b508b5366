// Every string the scanner's scripts show, Bahasa Indonesia first, English second. The page's
// <html lang> (chosen by the server from the language cookie) decides which one.

const STRINGS = {
  id: {
    "verdict.valid": "BERLAKU",
    "verdict.expiring": "SEGERA BERAKHIR",
    "verdict.overstay": "OVERSTAY",
    "verdict.revoked": "DICABUT",
    "verdict.not-genuine": "TIDAK ASLI",
    "verdict.unknown-signer": "PENANDATANGAN TIDAK DIKENAL",
    "verdict.expired": "KEDALUWARSA",
    "verdict.not-pantau": "BUKAN STIKER PANTAU",
    "verdict.cannot-vouch": "TIDAK DAPAT DIPASTIKAN",
    "detail.valid": "Berlaku sampai {day}",
    "detail.expiring": "Hari terakhir {day} ({n} hari lagi)",
    "detail.overstay": "Lewat {n} hari dari hari terakhir, {day}",
    "detail.revoked": "Stiker ini atau kunci penandatangannya telah dicabut.",
    "detail.not-genuine": "Tanda tangan tidak cocok: stiker diubah, rusak, atau palsu.",
    "detail.unknown-signer": "Kuncinya tidak ada di daftar kepercayaan ponsel ini. Perbarui daftar saat daring.",
    "detail.expired": "Masa berlaku tanda tangan stiker telah habis (hari terakhir {day}).",
    "detail.not-pantau": "Kode QR ini bukan stiker imigrasi.",
    "detail.stale": "Daftar kepercayaan berumur {n} hari, melewati batas {max} hari. Sambungkan ke jaringan untuk memperbarui.",
    "detail.no-trust": "Daftar kepercayaan belum diunduh. Masuk dan sambungkan ke jaringan.",
    "detail.clock": "Stiker bertanggal di masa depan: periksa jam ponsel.",
    "server.valid": "berlaku", "server.expiring": "segera berakhir", "server.overstay": "overstay",
    "server.revoked": "dicabut", "server.departed": "sudah berangkat", "server.cancelled": "izin dibatalkan",
    "server.not-genuine": "tidak asli", "server.unknown": "tidak dikenal", "server.not-pantau": "bukan stiker Pantau",
    "server.expired": "kedaluwarsa",
    "field.serial": "Nomor stiker", "field.permit": "Izin", "field.nationality": "Kewarganegaraan",
    "field.entry": "Masuk", "field.name": "Nama", "field.photo": "Rujukan foto", "field.movements": "Pergerakan 30 hari terakhir",
    "permit.1": "Bebas visa kunjungan", "permit.2": "Visa on arrival", "permit.3": "Visa kunjungan",
    "permit.4": "ITAS (izin tinggal terbatas)", "permit.5": "ITAP (izin tinggal tetap)",
    "kind.check": "Periksa", "kind.check-in": "Check-in tamu", "kind.check-out": "Check-out tamu", "kind.exit": "Keberangkatan",
    "sync.waiting": "Menunggu jaringan untuk dikirim",
    "sync.stored": "Tersimpan di pusat data",
    "sync.duplicate": "Sudah tersimpan di pusat data",
    "sync.rejected": "Ditolak pusat data: {why}",
    "sync.server-verdict": "Pusat data: {verdict}",
    "sync.receipt": "Tanda terima: {receipt}",
    "status.online": "Daring", "status.offline": "Luring",
    "status.waiting": "{n} pindaian menunggu dikirim",
    "status.waiting-none": "Semua pindaian terkirim",
    "status.trust": "Daftar kepercayaan diperbarui {when} (batas umur {max} hari)",
    "status.trust-never": "Daftar kepercayaan belum diunduh (batas umur {max} hari)",
    "status.signed-out": "Sesi perangkat berakhir: masuk lagi untuk mengirim pindaian.",
    "status.refresh-failed": "Daftar tidak dapat diperbarui: {why}",
    "position.fix": "Posisi ±{m} m ({age})", "position.none": "Tanpa posisi",
    "position.denied": "Izin lokasi ditolak: pindaian dicatat tanpa posisi",
    "camera.error": "Kamera tidak dapat dibuka: {why}",
    "camera.decoder": "Pembaca QR: {name}",
    "signin.failed": "Gagal masuk: {why}",
    "signin.unreachable": "Server tidak dapat dihubungi.",
    "signin.other-user": "{n} pindaian milik {user} masih menunggu. Masuk sebagai {user} untuk mengirimnya lebih dulu.",
    "signin.as": "{user} · {role} · {office}",
    "signout.confirm": "{n} pindaian belum terkirim dan akan hilang jika Anda keluar sekarang. Tetap keluar?",
    "role.officer": "petugas", "role.partner": "mitra TIMPORA", "role.accommodation": "penginapan",
    "case.linked": "Ditautkan ke kasus {title}.", "case.failed": "Tidak ditautkan: {why}",
    "role.admin": "administrator", "role.supervisor": "supervisor",
    "mrz.match": "COCOK: stiker ini milik paspor tersebut",
    "mrz.mismatch": "TIDAK COCOK: stiker ini bukan untuk paspor tersebut",
    "mrz.format": "MRZ harus 2 baris 44, 2 baris 36, atau 3 baris 30 karakter.",
    "mrz.document_number": "Digit periksa nomor dokumen salah.",
    "mrz.birth_date": "Digit periksa tanggal lahir salah.",
    "mrz.expiry_date": "Digit periksa tanggal habis berlaku salah.",
    "mrz.no-sticker": "Pindai stiker yang sah lebih dulu.",
    "time.just-now": "baru saja", "time.minutes": "{n} menit lalu", "time.hours": "{n} jam lalu", "time.days": "{n} hari lalu",
  },
  en: {
    "verdict.valid": "VALID",
    "verdict.expiring": "EXPIRING",
    "verdict.overstay": "OVERSTAYING",
    "verdict.revoked": "REVOKED",
    "verdict.not-genuine": "NOT GENUINE",
    "verdict.unknown-signer": "UNKNOWN SIGNER",
    "verdict.expired": "EXPIRED",
    "verdict.not-pantau": "NOT A PANTAU STICKER",
    "verdict.cannot-vouch": "CANNOT VOUCH",
    "detail.valid": "Valid until {day}",
    "detail.expiring": "Last day {day} ({n} days left)",
    "detail.overstay": "{n} days past the last day, {day}",
    "detail.revoked": "This sticker or its signing key was revoked.",
    "detail.not-genuine": "The signature does not match: the sticker was altered, damaged or forged.",
    "detail.unknown-signer": "Its key is not on this phone's trust list. Refresh the list when online.",
    "detail.expired": "The sticker's signature has expired (last day {day}).",
    "detail.not-pantau": "This QR code is not an immigration sticker.",
    "detail.stale": "The trust list is {n} days old, past the limit of {max} days. Connect to refresh it.",
    "detail.no-trust": "No trust list yet. Sign in and connect to the network.",
    "detail.clock": "The sticker is dated in the future: check the phone's clock.",
    "server.valid": "valid", "server.expiring": "expiring", "server.overstay": "overstaying",
    "server.revoked": "revoked", "server.departed": "departed", "server.cancelled": "permit cancelled",
    "server.not-genuine": "not genuine", "server.unknown": "unknown", "server.not-pantau": "not a Pantau sticker",
    "server.expired": "expired",
    "field.serial": "Sticker", "field.permit": "Permit", "field.nationality": "Nationality",
    "field.entry": "Entry", "field.name": "Name", "field.photo": "Photo reference", "field.movements": "Movements, last 30 days",
    "permit.1": "Visa exemption", "permit.2": "Visa on arrival", "permit.3": "Visit visa",
    "permit.4": "KITAS (limited stay)", "permit.5": "KITAP (permanent stay)",
    "kind.check": "Check", "kind.check-in": "Guest check-in", "kind.check-out": "Guest check-out", "kind.exit": "Departure (exit)",
    "sync.waiting": "Waiting for the network",
    "sync.stored": "Stored at the data centre",
    "sync.duplicate": "Already stored at the data centre",
    "sync.rejected": "Refused by the data centre: {why}",
    "sync.server-verdict": "Data centre: {verdict}",
    "sync.receipt": "Receipt: {receipt}",
    "status.online": "Online", "status.offline": "Offline",
    "status.waiting": "{n} scans waiting to be sent",
    "status.waiting-none": "All scans sent",
    "status.trust": "Trust list refreshed {when} (age limit {max} days)",
    "status.trust-never": "No trust list yet (age limit {max} days)",
    "status.signed-out": "The device's sign-in ended: sign in again to send scans.",
    "status.refresh-failed": "Could not refresh the lists: {why}",
    "position.fix": "Position ±{m} m ({age})", "position.none": "No position",
    "position.denied": "Location refused: scans are recorded without a position",
    "camera.error": "Cannot open the camera: {why}",
    "camera.decoder": "QR reader: {name}",
    "signin.failed": "Sign-in failed: {why}",
    "signin.unreachable": "Cannot reach the server.",
    "signin.other-user": "{n} scans by {user} are still waiting. Sign in as {user} to send them first.",
    "signin.as": "{user} · {role} · {office}",
    "signout.confirm": "{n} scans have not been sent and will be lost if you sign out now. Sign out anyway?",
    "role.officer": "officer", "role.partner": "TIMPORA partner", "role.accommodation": "accommodation",
    "case.linked": "Linked to case {title}.", "case.failed": "Not linked: {why}",
    "role.admin": "administrator", "role.supervisor": "supervisor",
    "mrz.match": "MATCHES: this sticker belongs to that passport",
    "mrz.mismatch": "DOES NOT MATCH: this sticker was not issued for that passport",
    "mrz.format": "An MRZ has 2 lines of 44, 2 of 36 or 3 of 30 characters.",
    "mrz.document_number": "The document number's check digit is wrong.",
    "mrz.birth_date": "The birth date's check digit is wrong.",
    "mrz.expiry_date": "The expiry date's check digit is wrong.",
    "mrz.no-sticker": "Scan a genuine sticker first.",
    "time.just-now": "just now", "time.minutes": "{n} min ago", "time.hours": "{n} h ago", "time.days": "{n} days ago",
  },
};

export const lang = STRINGS[document.documentElement.lang] ? document.documentElement.lang : "id";

export function t(key, vars = {}) {
  const text = STRINGS[lang][key] ?? STRINGS.id[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

// "2026-12-27" -> "27 Des 2026" / "27 Dec 2026" (a calendar day: no time zone shift).
export function formatDay(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Intl.DateTimeFormat(lang === "id" ? "id-ID" : "en-GB", {
    day: "numeric", month: "short", year: "numeric", timeZone: "UTC",
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

export function formatAgo(ms) {
  const min = Math.floor(ms / 60000);
  if (min < 1) return t("time.just-now");
  if (min < 60) return t("time.minutes", { n: min });
  if (min < 48 * 60) return t("time.hours", { n: Math.floor(min / 60) });
  return t("time.days", { n: Math.floor(min / 1440) });
}

export function formatTime(date) {
  return new Intl.DateTimeFormat(lang === "id" ? "id-ID" : "en-GB", {
    day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  }).format(date);
}
