# The fills ingester in a container: the runnable jar, the YAML routes and application.properties, run as a non-root user.
# Routes and settings are plain files in /app; mount your own over them to change them without rebuilding:
#   docker build -t kalshi-fills-ingester .
#   docker run --rm -e CLICKHOUSE_URL=jdbc:clickhouse://clickhouse:8123 -e KALSHI_API_KEY_ID=... \
#     -e KALSHI_PRIVATE_KEY_FILE=/run/secrets/kalshi.pem -v "$PWD/kalshi.pem:/run/secrets/kalshi.pem:ro" kalshi-fills-ingester

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
USER ingester
ENTRYPOINT ["java", "-jar", "/app/kalshi-fills-ingester.jar"]
