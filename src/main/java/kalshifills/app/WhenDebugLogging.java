package kalshifills.app;

import java.util.Locale;

import ch.qos.logback.core.PropertyDefinerBase;

/**
 * A logback variable with one value when {@code LOG_LEVEL} (a system property, else the environment variable) is debug
 * or trace and another otherwise, so that stack traces and the libraries' own lines are written only while debugging
 * (logback has no conditions without the Janino compiler).
 */
public final class WhenDebugLogging extends PropertyDefinerBase {

    private String debug = "";
    private String otherwise = "";

    public void setDebug(String debug) {
        this.debug = debug;
    }

    public void setOtherwise(String otherwise) {
        this.otherwise = otherwise;
    }

    @Override
    public String getPropertyValue() {
        String level = System.getProperty("LOG_LEVEL", System.getenv("LOG_LEVEL"));
        return level != null && (level.equalsIgnoreCase("debug") || level.equalsIgnoreCase("trace")) ? debug : otherwise;
    }
}
