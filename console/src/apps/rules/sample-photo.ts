import type { PreviewSource } from './render-preview';

/**
 * The preview's sample photo, drawn in the browser (nothing is downloaded): a product on a table
 * by a window, 1200×800 — colour, edges and a bright background, so every operation shows.
 */
export function drawSamplePhoto(): PreviewSource | null {
  const canvas = document.createElement('canvas');
  canvas.width = 1200;
  canvas.height = 800;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const sky = ctx.createLinearGradient(0, 0, 0, 520);
  sky.addColorStop(0, '#7fb6e8');
  sky.addColorStop(1, '#e9f2f9');
  ctx.fillStyle = sky;
  ctx.fillRect(0, 0, 1200, 520);
  ctx.fillStyle = '#6d8f4e';
  ctx.beginPath();
  ctx.moveTo(0, 470);
  ctx.quadraticCurveTo(300, 360, 620, 450);
  ctx.quadraticCurveTo(900, 520, 1200, 400);
  ctx.lineTo(1200, 520);
  ctx.lineTo(0, 520);
  ctx.fill();
  ctx.fillStyle = '#f6d365';
  ctx.beginPath();
  ctx.arc(960, 150, 70, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = '#a0704a';
  ctx.fillRect(0, 520, 1200, 280);
  // The product: a red mug with a handle and a shadow.
  ctx.fillStyle = 'rgba(0,0,0,0.25)';
  ctx.beginPath();
  ctx.ellipse(600, 690, 190, 30, 0, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = '#c8323c';
  ctx.fillRect(460, 380, 280, 310);
  ctx.strokeStyle = '#c8323c';
  ctx.lineWidth = 36;
  ctx.beginPath();
  ctx.arc(760, 530, 70, -Math.PI / 2, Math.PI / 2);
  ctx.stroke();
  ctx.fillStyle = '#ffffff';
  ctx.font = 'bold 64px sans-serif';
  ctx.fillText('MUG', 530, 560);
  return { image: canvas, width: canvas.width, height: canvas.height };
}
