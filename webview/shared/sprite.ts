// Thumbnails cut from a sprite sheet with CSS background-position, scaled to any size.

import { SpriteSheet } from '../protocol';

/** Tile i's top-left corner in sheet pixels, or null when the sheet has no tile i. */
export function tileOrigin(sprite: SpriteSheet, index: number): { x: number; y: number } | null {
  if (!Number.isInteger(index) || index < 0 || index >= sprite.count || sprite.columns < 1) return null;
  return { x: (index % sprite.columns) * sprite.tileWidth, y: Math.floor(index / sprite.columns) * sprite.tileHeight };
}

/** Points `element`'s background at tile `index` of `sprite`, scaled to `size` CSS pixels wide. */
export function paintThumbnail(element: HTMLElement, sprite: SpriteSheet, index: number, size: number): boolean {
  const origin = tileOrigin(sprite, index);
  if (origin === null) return false;
  const scale = size / sprite.tileWidth;
  const rows = Math.ceil(sprite.count / sprite.columns);
  element.classList.add('thumb');
  element.style.width = `${size}px`;
  element.style.height = `${Math.round(sprite.tileHeight * scale)}px`;
  element.style.backgroundImage = `url("${sprite.uri.replace(/["\\\n\r]/g, (c) => encodeURIComponent(c))}")`;
  element.style.backgroundSize = `${sprite.columns * sprite.tileWidth * scale}px ${rows * sprite.tileHeight * scale}px`;
  element.style.backgroundPosition = `-${origin.x * scale}px -${origin.y * scale}px`;
  return true;
}
