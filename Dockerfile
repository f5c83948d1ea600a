# The fills ingester in a container: the runnable jar, the YAML routes and application.properties, run as a non-root user.
# Routes and settings are plain files in /app; mount your own over them to change them without rebuilding:
#   docker build -t kalshi-fills-ingester .
#   docker run --rm -p 9876:9876 -e CLICKHOUSE_URL=jdbc:clickhouse://clickhouse:8123 -e KALSHI_API_KEY_ID=... \
#     -e KALSHI_PRIVATE_KEY_FILE=/run/secrets/kalshi.pem -v "$PWD/kalshi.pem:/run/secrets/kalshi.pem:ro" \
#     -v "$PWD/routes:/app/routes:ro" -v "$PWD/application.properties:/app/application.properties:ro" kalshi-fills-ingester
# The table commands run in the same image: docker run --rm ... kalshi-fills-ingester verify

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app ingester
WORKDIR /app
COPY --from=build /build/target/kalshi-fills-ingester.jar /app/kalshi-fills-ingester.jar
COPY routes /app/routes
COPY application.properties /app/application.properties
COPY src/main/jvm/jvm.options /app/jvm.options
USER ingester
# Camel's management server (camel.management.port): /observe/health/live, /observe/health/ready, /observe/metrics.
EXPOSE 9876
# Liveness, not readiness: a Kalshi outage or a long first backfill is no reason to restart the container. bash's
# /dev/tcp, as the JRE image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9876 && printf 'GET /observe/health/live HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# SIGTERM lets the poll in progress finish and its fills be inserted (camel.main.shutdown-timeout, 45 s).
STOPSIGNAL SIGTERM
# The heap is sized from the container's memory limit (docker run --memory, a Kubernetes limit): 60 % of it, as the
# JVM's own memory (classes, threads, buffers) took about 150 MiB besides the heap in the benchmark. 512 MiB gives a
# 308 MiB heap.
ENTRYPOINT ["java", "@/app/jvm.options", "-XX:MaxRAMPercentage=60", "-jar", "/app/kalshi-fills-ingester.jar"]
