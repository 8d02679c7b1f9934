package com.stm32mp.prelaunch.tests;

import static com.stm32mp.prelaunch.tests.TestRunner.check;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.widgets.Shell;

/** PNG screenshots of shells, checked for size and non-blankness. */
final class Screenshots {
    private Screenshots() {}

    /** Saves a PNG of the shell; fails unless it is big and not blank (many pixels off the dominant colour). */
    static void save(Shell shell, File png) {
        var size = shell.getSize();
        Image image = new Image(shell.getDisplay(), size.x, size.y);
        GC gc = new GC(shell);
        gc.copyArea(image, 0, 0);
        gc.dispose();
        checkAndSave(image.getImageData(), png);
        image.dispose();
    }

    /**
     * Saves a PNG of the shell as it draws itself (Control.print), checked the same way: right for a
     * dialog that may be stacked under another window, where a copy of the screen would show that one.
     */
    static void printed(Shell shell, File png) {
        var size = shell.getSize();
        Image image = new Image(shell.getDisplay(), size.x, size.y);
        GC gc = new GC(image);
        boolean drawn = shell.print(gc);
        gc.dispose();
        check(drawn, png.getName() + ": the shell could not print itself");
        checkAndSave(image.getImageData(), png);
        image.dispose();
    }

    /** Saves a PNG of what the screen shows in {@code area} (a dialog over another one), checked the same way. */
    static void saveScreen(org.eclipse.swt.widgets.Display display, org.eclipse.swt.graphics.Rectangle area, File png) {
        Image image = new Image(display, area.width, area.height);
        GC gc = new GC(display);
        gc.copyArea(image, area.x, area.y);
        gc.dispose();
        checkAndSave(image.getImageData(), png);
        image.dispose();
    }

    private static void checkAndSave(ImageData data, File png) {
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        for (int y = 0; y < data.height; y += 2) {
            for (int x = 0; x < data.width; x += 2) {
                counts.merge(data.getPixel(x, y), 1, Integer::sum);
            }
        }
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        int dominant = counts.values().stream().mapToInt(Integer::intValue).max().orElse(total);
        String name = png.getName();
        check(counts.size() >= 8, name + ": only " + counts.size() + " colours: blank?");
        check(total - dominant > total / 50, name + ": " + (total - dominant) + " of " + total + " pixels off background");
        png.getParentFile().mkdirs();
        ImageLoader loader = new ImageLoader();
        loader.data = new ImageData[] {data};
        loader.save(png.getPath(), SWT.IMAGE_PNG);
        check(png.length() > 4000, png + " is only " + png.length() + " bytes");
        System.out.println("  screenshot " + png + " (" + png.length() + " bytes, " + counts.size() + " colours)");
    }
}
