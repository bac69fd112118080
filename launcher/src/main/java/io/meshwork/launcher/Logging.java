package io.meshwork.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback (on the launcher's class path; bundles see only the SLF4J API through the system
 * bundle): console plus a size- and time-rolled file in {@code <data>/logs/}. A {@code <data>/conf/logback.xml}
 * replaces the defaults entirely.
 */
final class Logging {

    private Logging() {
    }

    static void configure(Path dataDir, String runtime, String level) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        Path custom = dataDir.resolve("conf").resolve("logback.xml");
        if (Files.isRegularFile(custom)) {
            JoranConfigurator jc = new JoranConfigurator();
            jc.setContext(ctx);
            try {
                jc.doConfigure(custom.toFile());
                return;
            } catch (JoranException e) {
                ctx.reset();
                System.err.println("meshwork: " + custom + " is not a valid logback configuration ("
                        + e.getMessage() + "); using the default logging setup");
            }
        }
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setName("console");
        console.setEncoder(encoder(ctx, "%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n"));
        console.start();

        Path logs = dataDir.resolve("logs");
        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(ctx);
        file.setName("file");
        file.setFile(logs.resolve(runtime + ".log").toString());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(ctx);
        policy.setParent(file);
        policy.setFileNamePattern(logs.resolve(runtime + ".%d{yyyy-MM-dd}.%i.log.gz").toString());
        policy.setMaxFileSize(FileSize.valueOf("10MB"));
        policy.setMaxHistory(14);
        policy.setTotalSizeCap(FileSize.valueOf("200MB"));
        policy.start();
        file.setRollingPolicy(policy);
        file.setEncoder(encoder(ctx, "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger - %msg%n"));
        file.start();

        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
        root.addAppender(console);
        root.addAppender(file);
        // Netty and Felix internals are chatty at DEBUG; keep them at INFO unless asked.
        ctx.getLogger("io.netty").setLevel(Level.INFO);
    }

    static void shutdown() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.stop();
        }
    }

    private static PatternLayoutEncoder encoder(LoggerContext ctx, String pattern) {
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern(pattern);
        enc.start();
        return enc;
    }
}
