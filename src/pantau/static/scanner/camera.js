// Reading QR codes from the camera: the browser's BarcodeDetector where it has one (Android
// Chrome), else ZXing-C++ compiled to WebAssembly (vendor/zxing-wasm, served by Pantau itself;
// the same engine as the server's zxing-cpp).

const ZXING = new URL("./vendor/zxing-wasm/", import.meta.url);

let zxingReady = null;

async function zxing() {
  if (!zxingReady) {
    zxingReady = import(new URL("es/reader/index.js", ZXING).href).then((zx) => {
      zx.prepareZXingModule({
        overrides: {
          locateFile: (path, prefix) =>
            path.endsWith(".wasm") ? new URL(`reader/${path}`, ZXING).href : prefix + path,
        },
        fireImmediately: true,
      });
      return zx;
    });
  }
  return zxingReady;
}

// A decoder: {name, decode(source) -> Promise<string[]>}, where source is a canvas for zxing or
// anything BarcodeDetector takes (a video element, a canvas). `prefer` = "zxing" forces the wasm one.
export async function makeDecoder(prefer) {
  if (prefer !== "zxing" && "BarcodeDetector" in globalThis) {
    try {
      const formats = await globalThis.BarcodeDetector.getSupportedFormats();
      if (formats.includes("qr_code")) {
        const detector = new globalThis.BarcodeDetector({ formats: ["qr_code"] });
        return {
          name: "BarcodeDetector",
          decode: async (source) => (await detector.detect(source)).map((b) => b.rawValue),
        };
      }
    } catch {
      // fall through to zxing
    }
  }
  const zx = await zxing();
  const options = { formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 1 };
  return {
    name: "zxing-wasm",
    needsPixels: true,
    decode: async (canvas) => {
      const ctx = canvas.getContext("2d", { willReadFrequently: true });
      const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
      return (await zx.readBarcodes(image, options)).filter((r) => r.isValid).map((r) => r.text);
    },
  };
}

// Copies the video frame into the canvas, at most `maxSide` pixels on its longer side (a 720p
// frame is plenty for a 65 x 65 module code that fills part of the view, and faster to decode).
export function grabFrame(video, canvas, maxSide = 960) {
  const w = video.videoWidth, h = video.videoHeight;
  if (!w || !h) return false;
  const scale = Math.min(1, maxSide / Math.max(w, h));
  canvas.width = Math.round(w * scale);
  canvas.height = Math.round(h * scale);
  canvas.getContext("2d", { willReadFrequently: true }).drawImage(video, 0, 0, canvas.width, canvas.height);
  return true;
}

export async function openCamera(video) {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
  });
  video.srcObject = stream;
  video.setAttribute("playsinline", ""); // iOS Safari: no full-screen takeover
  video.muted = true;
  await video.play();
  return stream;
}

export function closeCamera(video) {
  const stream = video.srcObject;
  if (stream) for (const track of stream.getTracks()) track.stop();
  video.srcObject = null;
}
