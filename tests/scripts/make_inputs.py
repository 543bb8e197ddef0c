"""Writes one small input image per supported format variant into OUTDIR.

Every image is 400 x 300 pixels at 200 dpi, left half colour L and right half colour R, so a
test can render the built dossier and check both halves (catches inverted CMYK, wrong palettes,
lost alpha, swapped channels). Prints a JSON list: [{"file", "left", "right", "pages"}].
Uses Pillow only (installed in the project venv with pikepdf).
"""
import json
import sys
from pathlib import Path

from PIL import Image

W, H, DPI = 400, 300, (200, 200)
RED, BLUE, DARK, LIGHT = (200, 30, 30), (30, 60, 200), (60, 60, 60), (210, 210, 210)


def halves(mode, left, right):
    img = Image.new(mode, (W, H), right)
    img.paste(Image.new(mode, (W // 2, H), left), (0, 0))
    return img


def rgb(left=RED, right=BLUE):
    return halves("RGB", left, right)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    made = []

    def save(name, img, left, right, pages=1, **kw):
        img.save(out / name, dpi=DPI, **kw)
        made.append({"file": name, "left": left, "right": right, "pages": pages})

    save("jpeg_rgb_baseline.jpg", rgb(), RED, BLUE, quality=92)
    save("jpeg_rgb_progressive.jpg", rgb(), RED, BLUE, quality=92, progressive=True)
    save("jpeg_gray.jpg", halves("L", 60, 210), DARK, LIGHT, quality=92)
    save("jpeg_cmyk_adobe.jpg", rgb().convert("CMYK"), RED, BLUE, quality=92)
    save("png_rgb.png", rgb(), RED, BLUE)
    save("png_gray.png", halves("L", 60, 210), DARK, LIGHT)
    save("png_palette.png", rgb().convert("P", palette=Image.Palette.ADAPTIVE, colors=4), RED, BLUE)
    rgba = halves("RGBA", RED + (255,), BLUE + (0,))
    save("png_rgba_right_transparent.png", rgba, RED, (255, 255, 255))
    la = halves("LA", (60, 255), (60, 0))
    save("png_gray_alpha_right_transparent.png", la, DARK, (255, 255, 255))
    # 16-bit grey: Pillow writes mode I;16 as a 16-bit greyscale PNG.
    g16 = Image.new("I;16", (W, H), 210 * 257)
    g16.paste(Image.new("I;16", (W // 2, H), 60 * 257), (0, 0))
    save("png_gray16.png", g16, DARK, LIGHT)
    save("tiff_none.tif", rgb(), RED, BLUE, compression="raw")
    save("tiff_lzw.tif", rgb(), RED, BLUE, compression="tiff_lzw")
    save("tiff_deflate.tif", rgb(), RED, BLUE, compression="tiff_adobe_deflate")
    save("tiff_jpeg.tif", rgb(), RED, BLUE, compression="jpeg", quality=92)
    save("tiff_packbits_gray.tif", halves("L", 60, 210), DARK, LIGHT, compression="packbits")
    save("tiff_cmyk.tif", rgb().convert("CMYK"), RED, BLUE, compression="tiff_lzw")
    save("tiff_rgba.tif", halves("RGBA", RED + (255,), BLUE + (0,)), RED, (255, 255, 255),
         compression="tiff_lzw")
    bilevel = halves("1", 0, 1)
    save("tiff_g4.tif", bilevel, (0, 0, 0), (255, 255, 255), compression="group4")
    first, second = rgb(), rgb()
    first.save(out / "tiff_two_pages.tif", dpi=DPI, compression="tiff_lzw", save_all=True,
               append_images=[second])
    made.append({"file": "tiff_two_pages.tif", "left": RED, "right": BLUE, "pages": 2})
    # Not supported (CCITT Group 3): the build must refuse it with a clear error.
    bilevel.save(out / "unsupported_g3.tif", dpi=DPI, compression="group3")
    rgb().convert("P", palette=Image.Palette.ADAPTIVE, colors=4).save(
        out / "unsupported_palette.tif", dpi=DPI, compression="tiff_lzw")
    json.dump(made, sys.stdout)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
