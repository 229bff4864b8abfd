import sharp from 'sharp';

/** A real photo-like image of the given type, made on the spot. */
export async function makeImage(mime: 'image/jpeg' | 'image/png' | 'image/webp', seed = 1, size = 256): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">
    <rect width="100%" height="100%" fill="hsl(${(seed * 47) % 360},60%,55%)"/>
    <circle cx="${size / 2}" cy="${size * 0.4}" r="${size / 5}" fill="#f2d0b5"/>
    <rect x="${size * 0.3}" y="${size * 0.62}" width="${size * 0.4}" height="${size * 0.38}" fill="#334"/></svg>`;
  const img = sharp(Buffer.from(svg));
  if (mime === 'image/jpeg') return img.jpeg({ quality: 85 }).toBuffer();
  if (mime === 'image/webp') return img.webp().toBuffer();
  return img.png().toBuffer();
}
