package io.meshwork.logbridge.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.log.admin.LoggerAdmin;
import org.osgi.service.log.admin.LoggerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards OSGi Log Service entries (what SCR, ConfigAdmin and FileInstall report, e.g. a component that failed
 * to activate) to SLF4J, so they reach the console and the log file. On activation it replays the warnings and
 * errors the log service kept from before this bridge started. The listener is removed on deactivation.
 * Entries arrive on the log service's delivery thread.
 */
@Component(immediate = true)
public final class LogBridge implements LogListener {

    private final LogReaderService reader;

    /**
     * R7 log services drop entries below WARN by default. Messages logged through the legacy {@code LogService}
     * methods (FileInstall's "Installing bundle ...", for one) are what operators want to see, so that logger is
     * lifted to INFO in the root logger context.
     */
    static final String LEGACY_LOGGER = "LogService";

    @Activate
    public LogBridge(@Reference LogReaderService reader, @Reference LoggerAdmin admin) {
        this.reader = reader;
        LoggerContext root = admin.getLoggerContext(null);
        Map<String, LogLevel> levels = new HashMap<>(root.getLogLevels());
        levels.putIfAbsent(LEGACY_LOGGER, LogLevel.INFO);
        root.setLogLevels(levels);
        List<LogEntry> history = new ArrayList<>();
        for (Enumeration<LogEntry> e = reader.getLog(); e.hasMoreElements();) {
            LogEntry entry = e.nextElement();
            if (entry.getLogLevel().ordinal() <= LogLevel.WARN.ordinal()) {
                history.add(entry);
            }
        }
        Collections.reverse(history); // the log service returns the newest first
        history.forEach(this::logged);
        reader.addLogListener(this);
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        String name = entry.getLoggerName();
        if (name != null && name.startsWith(LEGACY_LOGGER + ".")) {
            name = name.substring(LEGACY_LOGGER.length() + 1);
        }
        if (name == null || name.isEmpty() || LEGACY_LOGGER.equals(name)) {
            name = entry.getBundle() == null ? "osgi" : entry.getBundle().getSymbolicName();
        }
        Logger log = LoggerFactory.getLogger(name);
        String msg = entry.getMessage();
        Throwable t = entry.getException();
        LogLevel level = entry.getLogLevel();
        // The framework's own bundle/service/framework events (loggers "Events.*") are bookkeeping: debug only.
        if (name.startsWith("Events.") && level.ordinal() > LogLevel.WARN.ordinal()) {
            level = LogLevel.DEBUG;
        }
        switch (level) {
            case AUDIT, ERROR -> log.error(msg, t);
            case WARN -> log.warn(msg, t);
            case INFO -> log.info(msg, t);
            case DEBUG -> log.debug(msg, t);
            default -> log.trace(msg, t);
        }
    }
}
