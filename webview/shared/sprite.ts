// Thumbnails cut from a sprite sheet with CSS background-position, scaled to any size.

import { SpriteSheet } from '../protocol';

/** Tile i's top-left corner in sheet pixels, or null when the sheet has no tile i. */
export function tileOrigin(sprite: SpriteSheet, index: number): { x: number; y: number } | null {
  if (!Number.isInteger(index) || index < 0 || sprite.columns < 1 || index >= sprite.columns * sprite.rows) return null;
  return { x: (index % sprite.columns) * sprite.thumbWidth, y: Math.floor(index / sprite.columns) * sprite.thumbHeight };
}

/** Points `element`'s background at tile `index` of `sprite`, scaled to `size` CSS pixels wide. */
export function paintThumbnail(element: HTMLElement, sprite: SpriteSheet, index: number, size: number): boolean {
  const origin = tileOrigin(sprite, index);
  if (origin === null) return false;
  const scale = size / sprite.thumbWidth;
  element.classList.add('thumb');
  element.style.width = `${size}px`;
  element.style.height = `${Math.round(sprite.thumbHeight * scale)}px`;
  element.style.backgroundImage = `url("${sprite.uri.replace(/["\\\n\r]/g, (c) => encodeURIComponent(c))}")`;
  element.style.backgroundSize = `${sprite.columns * sprite.thumbWidth * scale}px ${sprite.rows * sprite.thumbHeight * scale}px`;
  element.style.backgroundPosition = `-${origin.x * scale}px -${origin.y * scale}px`;
  return true;
}
